import Foundation

/// A search pattern of a rule: a word pattern or a regular expression.
///
/// A **word pattern** is a sequence of words separated by spaces and matched
/// against the words of a text, after folding both (case, `ё` = `е`):
/// - `abscess` matches the word "abscess" only (not "abscesses").
/// - `абсцесс*` is a stem: any word starting with "абсцесс" (абсцесса, абсцессы).
/// - `vein|veins|венк*` matches any one of the alternatives at that place;
///   each may be a stem. An alternative with punctuation (`can't`) matches the
///   words it is made of (`can t`).
/// - `_` matches any one word.
/// - `..` skips up to three words: `test* .. hiv` matches "testing for HIV";
///   `..6` skips up to six (1 to 9).
/// - Punctuation separates words, so `at-home` is the two words "at home".
///
/// A **regular expression** is written between slashes, `/ревак?цин/`, and
/// searched in the folded text (lowercase, `ё` as `е`) with ICU syntax.
public struct Pattern: Sendable, CustomStringConvertible {
  /// One element of a word pattern.
  enum Element: Sendable, Equatable {
    case word(String)
    case stem(String)
    case choice([[Element]])
    case anyWord
    case gap(Int)
  }

  enum Body: Sendable {
    case words([Element])
    case regex(RegularExpression)
  }

  /// A word or stem a text must contain for the pattern to occur in it.
  enum Anchor: Sendable {
    case word(FoldedWord)
    case stem(String)
  }

  /// The pattern as written in the codebook.
  public let source: String
  let body: Body
  /// What a text must contain for a word pattern to occur.
  ///
  /// Every group must have one anchor present. Checked before any matching, so most patterns
  /// rule themselves out of most texts by a few hash look-ups.
  let requirements: [[Anchor]]
  /// `requirements` as anchor ids of a codebook's ``AnchorTable``, once the
  /// codebook has bound the pattern to it.
  private(set) var boundRequirements: BoundRequirements?

  /// Requirements as the ids of one table's anchors.
  struct BoundRequirements: Sendable {
    /// The table the ids belong to.
    let table: ObjectIdentifier
    /// Every group must have one of its ids present.
    let groups: [[Int32]]
  }

  /// The pattern as written.
  public var description: String { source }

  /// Compiles a pattern.
  ///
  /// - Throws: `PatternError` for an empty pattern, a misplaced gap or an
  ///   invalid regular expression.
  public init(_ source: String) throws(PatternError) {
    self.source = source
    let trimmed = source.trimmingCharacters(in: .whitespaces)
    if trimmed.count >= 2, trimmed.hasPrefix("/"), trimmed.hasSuffix("/") {
      let expression = String(trimmed.dropFirst().dropLast())
      guard !expression.isEmpty else { throw .empty }
      do {
        body = .regex(
          RegularExpression(
            try NSRegularExpression(
              pattern: expression, options: [.caseInsensitive])))
        requirements = []
      } catch {
        throw .invalidRegex(expression)
      }
      return
    }
    var elements: [Element] = []
    for part in trimmed.split(whereSeparator: \.isWhitespace) {
      if part == ".." {
        elements.append(.gap(3))
        continue
      }
      if part.hasPrefix(".."), let limit = Int(part.dropFirst(2)),
        (1...9).contains(limit)
      {
        elements.append(.gap(limit))
        continue
      }
      if part == "_" {
        elements.append(.anyWord)
        continue
      }
      if part.contains("|") {
        var choices: [[Element]] = []
        for alternative in part.split(
          separator: "|", omittingEmptySubsequences: false)
        {
          let isStem = alternative.hasSuffix("*")
          let words = TextIndex(
            String(isStem ? alternative.dropLast() : alternative)
          ).tokens
            .map(\.text)
          guard let last = words.last else {
            throw .badAlternative(String(alternative))
          }
          choices.append(
            words.dropLast().map(Element.word) + [
              isStem ? .stem(last) : .word(last)
            ])
        }
        elements.append(.choice(choices))
        continue
      }
      let isStem = part.hasSuffix("*")
      let words = TextIndex(String(isStem ? part.dropLast() : part)).tokens.map(
        \.text)
      guard let last = words.last else { throw .noWords(String(part)) }
      elements.append(contentsOf: words.dropLast().map(Element.word))
      elements.append(isStem ? .stem(last) : .word(last))
    }
    guard let first = elements.first, let last = elements.last else {
      throw .empty
    }
    if case .gap = first { throw .misplacedGap }
    if case .gap = last { throw .misplacedGap }
    body = .words(elements)
    requirements = elements.compactMap { element -> [Anchor]? in
      switch element {
      case .word(let word): return [.word(FoldedWord(word))]
      case .stem(let stem): return [.stem(stem)]
      case .choice(let choices):
        // An alternative is a run of words and stems; its first must occur.
        return choices.compactMap { choice -> Anchor? in
          switch choice.first {
          case .word(let word): return .word(FoldedWord(word))
          case .stem(let stem): return .stem(stem)
          default: return nil
          }
        }
      case .anyWord, .gap: return nil
      }
    }
  }

  /// The pattern, with its requirements numbered by `table`.
  func bound(to table: AnchorTable) -> Pattern {
    var pattern = self
    pattern.boundRequirements = BoundRequirements(
      table: ObjectIdentifier(table),
      groups: requirements.map { $0.compactMap(table.id(of:)) })
    return pattern
  }

  /// Whether a field may hold the pattern: by the field's anchor bits when
  /// pattern and field were prepared by the same table, else word by word.
  @inline(__always)
  func mayOccur(in field: MatchableUnit.Field) -> Bool {
    if let bound = boundRequirements, let anchors = field.anchors,
      anchors.table == bound.table
    {
      for group in bound.groups where !group.contains(where: anchors.contains) {
        return false
      }
      return true
    }
    return mayOccur(in: field.index)
  }

  /// Where the pattern occurs in a field (see ``matches(in:)-(TextIndex)``).
  func matches(in field: MatchableUnit.Field) -> [Range<Int>] {
    guard mayOccur(in: field) else { return [] }
    return matchesAfterCheck(in: field.index)
  }

  /// Whether the text has every word the pattern needs (always true for
  /// regular expressions, which are searched in full).
  func mayOccur(in text: TextIndex) -> Bool {
    for group in requirements {
      let present = group.contains { anchor in
        switch anchor {
        case .word(let word): return text.contains(word: word)
        case .stem(let stem): return text.contains(stem: stem)
        }
      }
      if !present { return false }
    }
    return true
  }

  /// The ranges, in Unicode scalar offsets of the original text, where the
  /// pattern occurs.
  public func matches(in text: TextIndex) -> [Range<Int>] {
    guard mayOccur(in: text) else { return [] }
    return matchesAfterCheck(in: text)
  }

  /// ``matches(in:)-(TextIndex)`` once `mayOccur` said yes.
  private func matchesAfterCheck(in text: TextIndex) -> [Range<Int>] {
    switch body {
    case .words(let elements):
      let tokens = text.tokens
      var result: [Range<Int>] = []
      // Most patterns begin with a word or a stem: it is compared with each
      // token here, and only where it matches is the rest matched.
      switch elements.first {
      case .word(let lead)?:
        for start in tokens.indices
        where tokens[start].text.hasSameBytes(as: lead) {
          if let end = Self.match(elements, 1, tokens, start + 1) {
            result.append(tokens[start].start..<tokens[end - 1].end)
          }
        }
      case .stem(let lead)?:
        for start in tokens.indices
        where tokens[start].text.hasBytePrefix(lead) {
          if let end = Self.match(elements, 1, tokens, start + 1) {
            result.append(tokens[start].start..<tokens[end - 1].end)
          }
        }
      default:
        for start in tokens.indices {
          if let end = Self.match(elements, 0, tokens, start) {
            result.append(tokens[start].start..<tokens[end - 1].end)
          }
        }
      }
      return result
    case .regex(let expression):
      return expression.matches(in: text)
    }
  }

  /// Whether the pattern occurs in the text.
  public func occurs(in text: TextIndex) -> Bool { !matches(in: text).isEmpty }

  /// Matches a plain run of words and stems at `token`; returns the next token index.
  private static func matchSequence(
    _ words: [Element], _ tokens: [Token], _ token: Int
  ) -> Int? {
    var index = token
    for word in words {
      guard index < tokens.count else { return nil }
      switch word {
      case .word(let text):
        guard tokens[index].text.hasSameBytes(as: text) else {
          return nil
        }
      case .stem(let stem):
        guard tokens[index].text.hasBytePrefix(stem) else {
          return nil
        }
      default: return nil
      }
      index += 1
    }
    return index
  }

  /// Matches `elements[element...]` at token `token`; returns the end token index.
  private static func match(
    _ elements: [Element], _ element: Int, _ tokens: [Token], _ token: Int
  ) -> Int? {
    if element == elements.count { return token }
    switch elements[element] {
    case .word(let word):
      guard token < tokens.count,
        tokens[token].text.hasSameBytes(as: word)
      else { return nil }
      return match(elements, element + 1, tokens, token + 1)
    case .stem(let stem):
      guard token < tokens.count,
        tokens[token].text.hasBytePrefix(stem)
      else {
        return nil
      }
      return match(elements, element + 1, tokens, token + 1)
    case .choice(let choices):
      for choice in choices {
        guard let next = matchSequence(choice, tokens, token) else { continue }
        if let end = match(elements, element + 1, tokens, next) { return end }
      }
      return nil
    case .anyWord:
      guard token < tokens.count else { return nil }
      return match(elements, element + 1, tokens, token + 1)
    case .gap(let limit):
      for skip in 0...limit where token + skip <= tokens.count {
        if let end = match(elements, element + 1, tokens, token + skip) {
          return end
        }
      }
      return nil
    }
  }
}

/// A compiled regular expression that can be shared across tasks.
///
/// `NSRegularExpression` is immutable and thread-safe for matching.
final class RegularExpression: @unchecked Sendable {
  let expression: NSRegularExpression

  init(_ expression: NSRegularExpression) { self.expression = expression }

  func matches(in text: TextIndex) -> [Range<Int>] {
    let folded = text.folded
    let nsRange = NSRange(folded.startIndex..., in: folded)
    var result: [Range<Int>] = []
    for match in expression.matches(in: folded, range: nsRange)
    where match.range.length > 0 {
      guard let range = Range(match.range, in: folded) else { continue }
      let lower = folded.unicodeScalars.distance(
        from: folded.startIndex, to: range.lowerBound)
      let upper = folded.unicodeScalars.distance(
        from: folded.startIndex, to: range.upperBound)
      let start = text.originalOffset(ofFolded: lower)
      let end = text.originalOffset(ofFolded: upper - 1) + 1
      result.append(start..<end)
    }
    return result
  }
}

/// Why a pattern does not compile.
public enum PatternError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The pattern is empty.
  case empty
  /// A part of the pattern has no word characters.
  case noWords(String)
  /// `..` begins or ends the pattern.
  case misplacedGap
  /// An alternative of `a|b` that has no word.
  case badAlternative(String)
  /// The regular expression is invalid.
  case invalidRegex(String)

  public var description: String {
    switch self {
    case .empty: return "empty pattern"
    case .noWords(let part):
      return "'\(part)' has no letters or digits to match"
    case .misplacedGap: return "'..' must stand between two words"
    case .badAlternative(let alternative):
      return "alternative '\(alternative)' has no letters or digits to match"
    case .invalidRegex(let expression):
      return "invalid regular expression '\(expression)'"
    }
  }
}
