/// A full-text query in FTS5's syntax, read as FTS5 reads it, and rewritten
/// into queries that an index without token positions can answer.
///
/// The full-text index keeps which texts hold each term, not where
/// (`detail = none`): a third less work to build, and FTS5 then refuses what
/// needs positions — phrases of more than one token (`"not breathing"`,
/// `not + breathing`), `NEAR`, `^` and column filters. ``over`` is a query
/// without them that every text matching the query also matches (each
/// phrase becomes its tokens joined by `AND`); the texts it finds are then
/// checked against the query itself (``SearchProbe``). Under `NOT` the
/// rewriting turns round: the texts a `NOT` removes must be a subset of the
/// ones the query removes, so a phrase there becomes `""`, which FTS5
/// matches in no text (``under``).
///
/// The grammar is FTS5's own (`fts5parse.y` in SQLite 3.40): `OR` binds
/// loosest, then `AND`, then `NOT`, all to the left; phrases side by side
/// are an `AND` that binds tighter than any of them.
struct SearchQuery {
  /// A query that matches every text the query matches, without positions.
  let over: String
  /// A query that matches only texts the query matches, without positions.
  let under: String
  /// Whether the index answers the query as it is (it needs no positions).
  let isExact: Bool

  /// A query the rewriting does not follow (FTS5 may still accept it).
  struct Unsupported: Error {}

  /// Reads `query`.
  ///
  /// - Parameters:
  ///   - query: The query, folded as the index is (`ё` as `е`).
  ///   - tokens: The index's tokens of a string of the query, in order.
  /// - Throws: `Unsupported` for a query outside the grammar; what `tokens`
  ///   throws.
  init(_ query: String, tokens: (String) throws -> [String]) throws {
    let expression = try withoutActuallyEscaping(tokens) { tokens in
      var parser = Parser(bytes: Array(query.utf8), tokens: tokens)
      let expression = try parser.expression()
      guard try parser.peek() == .end else { throw Unsupported() }
      return expression
    }
    over = expression.over
    under = expression.under
    isExact = expression.isExact
  }
}

extension SearchQuery {
  /// A part of a query, rewritten both ways.
  fileprivate struct Rewritten {
    var over: String
    var under: String
    var isExact: Bool

    /// The query `""`: no text matches it.
    static let nothing = "\"\""

    /// Both rewritings of parts joined by a binary operator.
    static func join(
      _ left: Rewritten, _ keyword: String, _ right: Rewritten
    ) -> Rewritten {
      // NOT's right side is rewritten the other way round.
      let isNot = keyword == "NOT"
      return Rewritten(
        over: "(\(left.over) \(keyword) \(isNot ? right.under : right.over))",
        under: "(\(left.under) \(keyword) \(isNot ? right.over : right.under))",
        isExact: left.isExact && right.isExact)
    }

    /// A part that needs positions: its `over`, and no text for `under`.
    static func inexact(_ over: String) -> Rewritten {
      Rewritten(over: over, under: nothing, isExact: false)
    }
  }

  /// The lexical tokens of FTS5's query syntax (`fts5ExprGetToken`).
  fileprivate enum Token: Equatable {
    case string(String)
    case and, or, not
    case open, close, openBrace, closeBrace, colon, comma, plus, star, minus
    case caret, end
  }

  fileprivate struct Parser {
    let bytes: [UInt8]
    let tokens: (String) throws -> [String]
    var position = 0
    /// The token after `position`, read once.
    private var lookahead: (token: Token, end: Int)?

    init(bytes: [UInt8], tokens: @escaping (String) throws -> [String]) {
      self.bytes = bytes
      self.tokens = tokens
    }

    // MARK: - Tokens

    /// FTS5's barewords: ASCII letters, digits and `_`, byte 0x1A, and every
    /// byte of a non-ASCII character.
    private static func isBareword(_ byte: UInt8) -> Bool {
      byte >= 0x80 || byte == 0x1A || byte == UInt8(ascii: "_")
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private func byte(at index: Int) -> UInt8 {
      // FTS5 reads a query up to its first NUL.
      index < bytes.count ? bytes[index] : 0
    }

    /// Reads the token at `start`, returning it and where it ends.
    private func read(at start: Int) throws -> (Token, Int) {
      var index = start
      while [0x20, 0x09, 0x0A, 0x0D].contains(byte(at: index)) { index += 1 }
      let single: [UInt8: Token] = [
        UInt8(ascii: "("): .open, UInt8(ascii: ")"): .close,
        UInt8(ascii: "{"): .openBrace, UInt8(ascii: "}"): .closeBrace,
        UInt8(ascii: ":"): .colon, UInt8(ascii: ","): .comma,
        UInt8(ascii: "+"): .plus, UInt8(ascii: "*"): .star,
        UInt8(ascii: "-"): .minus, UInt8(ascii: "^"): .caret, 0: .end,
      ]
      let first = byte(at: index)
      if let token = single[first] {
        return (token, first == 0 ? index : index + 1)
      }
      if first == UInt8(ascii: "\"") {
        var text: [UInt8] = []
        var next = index + 1
        while true {
          let current = byte(at: next)
          if current == 0 { throw Unsupported() }
          if current == UInt8(ascii: "\"") {
            // `""` inside a string is one quote.
            guard byte(at: next + 1) == UInt8(ascii: "\"") else { break }
            next += 1
          }
          text.append(current)
          next += 1
        }
        return (.string(String(decoding: text, as: UTF8.self)), next + 1)
      }
      guard Self.isBareword(first) else { throw Unsupported() }
      var next = index
      while Self.isBareword(byte(at: next)) { next += 1 }
      let word = String(decoding: bytes[index..<next], as: UTF8.self)
      let keywords: [String: Token] = ["AND": .and, "OR": .or, "NOT": .not]
      return (keywords[word] ?? .string(word), next)
    }

    mutating func peek() throws -> Token {
      if let lookahead { return lookahead.token }
      let (token, end) = try read(at: position)
      lookahead = (token, end)
      return token
    }

    /// The token after the next one.
    func peekSecond() throws -> Token {
      let (_, end) = try read(at: position)
      return try read(at: end).0
    }

    @discardableResult
    mutating func next() throws -> Token {
      let token = try peek()
      position = lookahead?.end ?? position
      lookahead = nil
      return token
    }

    mutating func expect(_ token: Token) throws {
      guard try next() == token else { throw Unsupported() }
    }

    mutating func string() throws -> String {
      guard case .string(let text) = try next() else { throw Unsupported() }
      return text
    }

    // MARK: - Grammar

    /// `expr`: terms joined by `OR`.
    mutating func expression() throws -> Rewritten {
      // `OR` binds loosest, then `AND`, then `NOT`.
      try joined(by: .or, "OR") { parser in
        try parser.joined(by: .and, "AND") { try $0.negation() }
      }
    }

    /// Terms joined by `NOT`.
    private mutating func negation() throws -> Rewritten {
      try joined(by: .not, "NOT") { try $0.primary() }
    }

    /// Operands joined by one operator, to the left.
    private mutating func joined(
      by token: Token, _ keyword: String,
      _ operand: (inout Parser) throws -> Rewritten
    ) throws -> Rewritten {
      var left = try operand(&self)
      while try peek() == token {
        try next()
        left = .join(left, keyword, try operand(&self))
      }
      return left
    }

    /// `( expr )`, `colset : ( expr )`, or phrases side by side.
    private mutating func primary() throws -> Rewritten {
      if try peek() == .open {
        try next()
        // Every rewritten operator is in parentheses already.
        let inner = try expression()
        try expect(.close)
        return inner
      }
      if try startsColumnFilter(), try columnFilterIsFollowedByGroup() {
        try columnFilter()
        try expect(.open)
        let inner = try expression()
        try expect(.close)
        return .inexact(inner.over)
      }
      var parts = [try nearSet(filtered: true)]
      while try startsNearSet() { parts.append(try nearSet(filtered: true)) }
      guard parts.count > 1 else { return parts[0] }
      return Rewritten(
        over: "(\(parts.map(\.over).joined(separator: " AND ")))",
        under: "(\(parts.map(\.under).joined(separator: " AND ")))",
        isExact: parts.allSatisfy(\.isExact))
    }

    /// Whether the next token begins a `cnearset`.
    private mutating func startsNearSet() throws -> Bool {
      switch try peek() {
      case .string, .minus, .openBrace, .caret: return true
      default: return false
      }
    }

    /// Whether a column filter (`colset :`) comes next.
    private mutating func startsColumnFilter() throws -> Bool {
      switch try peek() {
      case .minus, .openBrace: return true
      case .string: return try peekSecond() == .colon
      default: return false
      }
    }

    /// Whether the column filter that comes next applies to a group in
    /// parentheses (read ahead without consuming).
    private mutating func columnFilterIsFollowedByGroup() throws -> Bool {
      var copy = self
      try copy.columnFilter()
      return try copy.peek() == .open
    }

    /// `colset :` — `col`, `-col`, `{a b}` or `-{a b}`, then the colon.
    private mutating func columnFilter() throws {
      if try peek() == .minus { try next() }
      if try peek() == .openBrace {
        try next()
        _ = try string()
        while try peek() != .closeBrace { _ = try string() }
        try next()
      } else {
        _ = try string()
      }
      try expect(.colon)
    }

    /// `cnearset`: an optional column filter, then a phrase, `^` and a
    /// phrase, or a `NEAR` group.
    private mutating func nearSet(filtered: Bool) throws -> Rewritten {
      if filtered, try startsColumnFilter() {
        try columnFilter()
        return .inexact(try nearSet(filtered: false).over)
      }
      if try peek() == .caret {
        try next()
        return .inexact(try phrase().over)
      }
      if case .string = try peek(), try peekSecond() == .open {
        // FTS5 itself checks that the word is `NEAR`.
        try next()
        try next()
        var phrases = [try phrase()]
        while case .string = try peek() { phrases.append(try phrase()) }
        if try peek() == .comma {
          try next()
          _ = try string()
        }
        try expect(.close)
        return .inexact(
          "(\(phrases.map(\.over).joined(separator: " AND ")))")
      }
      return try phrase()
    }

    /// `phrase`: strings joined by `+`, each with an optional `*`.
    private mutating func phrase() throws -> Rewritten {
      var terms: [String] = []
      while true {
        let text = try string()
        var found = try tokens(text).map {
          "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\""
        }
        if try peek() == .star {
          try next()
          // A prefix applies to the last token of its string.
          if !found.isEmpty { found[found.count - 1] += "*" }
        }
        terms += found
        guard try peek() == .plus else { break }
        try next()
      }
      switch terms.count {
      case 0:
        return Rewritten(
          over: Rewritten.nothing, under: Rewritten.nothing, isExact: true)
      case 1:
        return Rewritten(over: terms[0], under: terms[0], isExact: true)
      default:
        return .inexact("(\(terms.joined(separator: " AND ")))")
      }
    }
  }
}
