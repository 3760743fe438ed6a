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
    /// A word pattern not compiled yet. A codebook compiles all its patterns
    /// against one table (``bound(to:)``); a pattern matched on its own is
    /// compiled against a table of its own anchors for each match. Compiling
    /// every pattern when it was read, for a table it then dropped, was a
    /// fifth of loading the study's codebook.
    case words
    /// A word pattern compiled against a table.
    case boundWords(WordProgram)
    case regex(RegularExpression)
  }

  /// A word or stem a text must contain for the pattern to occur in it.
  enum Anchor: Sendable {
    case word(FoldedWord)
    case stem(String)
  }

  /// The pattern as written in the codebook.
  public let source: String
  private(set) var body: Body
  /// The elements of a word pattern; empty for a regular expression.
  let elements: [Element]
  /// What a text must contain for a word pattern to occur.
  ///
  /// Every group must have one anchor present. Checked before any matching, so most patterns
  /// rule themselves out of most texts by a few bit tests.
  let requirements: [[Anchor]]

  /// Every word and stem the pattern names, in order.
  var anchors: [Anchor] { Self.anchors(of: elements) }

  /// Every word and stem of `elements`, in order.
  static func anchors(of elements: [Element]) -> [Anchor] {
    elements.flatMap { element -> [Anchor] in
      switch element {
      case .word(let word): return [.word(FoldedWord(word))]
      case .stem(let stem): return [.stem(stem)]
      case .choice(let choices): return choices.flatMap(anchors(of:))
      case .anyWord, .gap: return []
      }
    }
  }

  /// The requirements as ids of the table the pattern is bound to; `nil`
  /// for a regular expression, or a word pattern not bound yet.
  var boundRequirements: [[Int32]]? {
    if case .boundWords(let program) = body { return program.requirements }
    return nil
  }

  /// The pattern as written.
  public var description: String { source }

  /// Compiles a pattern.
  ///
  /// - Throws: `PatternError` for an empty pattern, a misplaced gap or an
  ///   invalid regular expression.
  public init(_ source: String) throws(PatternError) {
    self.source = source
    let trimmed = source.trimmingWhiteSpace(newlines: false)
    if trimmed.count >= 2, trimmed.hasPrefix("/"), trimmed.hasSuffix("/") {
      let expression = String(trimmed.dropFirst().dropLast())
      guard !expression.isEmpty else { throw .empty }
      do {
        body = .regex(
          RegularExpression(
            try NSRegularExpression(
              pattern: expression, options: [.caseInsensitive])))
        self.elements = []
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
      if part.contains("|" as Character) {
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
    self.elements = elements
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
    body = .words
  }

  /// The pattern, its words numbered by `table`, which must have been made
  /// with them (see ``AnchorTable/init(patterns:)``).
  func bound(to table: AnchorTable) -> Pattern {
    if case .regex = body { return self }
    var pattern = self
    pattern.body = .boundWords(WordProgram(elements, requirements, table))
    return pattern
  }

  /// The ranges, in Unicode scalar offsets of the original text, where the
  /// pattern occurs.
  public func matches(in text: TextIndex) -> [Range<Int>] {
    switch body {
    case .words:
      let table = AnchorTable(anchors: anchors)
      return WordProgram(elements, requirements, table).matches(
        in: text, table.prepare(text))
    case .boundWords(let program):
      return program.matches(in: text, program.table.prepare(text))
    case .regex(let expression):
      return expression.matches(in: text)
    }
  }

  /// Whether the pattern occurs in the text.
  public func occurs(in text: TextIndex) -> Bool { !matches(in: text).isEmpty }
}

/// A word pattern compiled against an ``AnchorTable``: its requirements and
/// elements as anchor ids, laid out flat so that matching compares integers.
///
/// Each element is two or more numbers: `word id`, `stem id`, `any 0`,
/// `gap limit`, or `choice length alternatives`, followed by each
/// alternative as its length and a `word id` or `stem id` pair per word
/// (`length` counts what follows it, so a match can skip the choice).
struct WordProgram: Sendable {
  /// The table whose ids the program uses.
  let table: AnchorTable
  /// Every group must have one of its ids present.
  let requirements: [[Int32]]
  let code: [Int32]
  /// For a program that begins with a choice, the ids of the words and
  /// stems its alternatives begin with, as bits over the table's ids; empty
  /// when the program begins otherwise or an alternative is empty.
  let leads: [UInt64]

  private static let word: Int32 = 0
  private static let stem: Int32 = 1
  private static let anyWord: Int32 = 2
  private static let gap: Int32 = 3
  private static let choice: Int32 = 4
  /// The id of a word the table lacks: it matches no word (-1 is "no id").
  private static let missing = Int32.min

  init(
    _ elements: [Pattern.Element], _ requirements: [[Pattern.Anchor]],
    _ table: AnchorTable
  ) {
    self.table = table
    self.requirements = requirements.map { $0.compactMap(table.id(of:)) }
    func id(_ anchor: Pattern.Anchor) -> Int32 {
      table.id(of: anchor) ?? Self.missing
    }
    var code: [Int32] = []
    for element in elements {
      switch element {
      case .word(let word): code += [Self.word, id(.word(FoldedWord(word)))]
      case .stem(let stem): code += [Self.stem, id(.stem(stem))]
      case .anyWord: code += [Self.anyWord, 0]
      case .gap(let limit): code += [Self.gap, Int32(limit)]
      case .choice(let choices):
        var body: [Int32] = [Int32(choices.count)]
        for choice in choices {
          body.append(Int32(choice.count))
          for part in choice {
            switch part {
            case .word(let word):
              body += [Self.word, id(.word(FoldedWord(word)))]
            case .stem(let stem): body += [Self.stem, id(.stem(stem))]
            default: body += [Self.word, Self.missing]  // never parsed so
            }
          }
        }
        code += [Self.choice, Int32(body.count)] + body
      }
    }
    self.code = code
    self.leads = Self.leads(of: elements, table)
  }

  /// The ids that the alternatives of a leading choice begin with, as bits
  /// (see ``leads``).
  ///
  /// Word and stem ids are one numbering, so a word begins an alternative
  /// if its own id or the id of one of its stems is a bit of the set.
  private static func leads(
    of elements: [Pattern.Element], _ table: AnchorTable
  ) -> [UInt64] {
    guard case .choice(let choices) = elements.first,
      choices.allSatisfy({ !$0.isEmpty })
    else { return [] }
    var bits = [UInt64](repeating: 0, count: table.count / 64 + 1)
    for choice in choices {
      let id: Int32?
      switch choice[0] {
      case .word(let word): id = table.id(of: .word(FoldedWord(word)))
      case .stem(let stem): id = table.id(of: .stem(stem))
      default: id = nil
      }
      // An alternative whose first word the table lacks matches nowhere.
      if let id { bits[Int(id) >> 6] |= 1 << UInt64(id & 63) }
    }
    return bits
  }

  /// Whether a text holding `anchors` may hold the pattern.
  @inline(__always)
  func mayOccur(_ anchors: AnchorSet) -> Bool {
    for group in requirements where !group.contains(where: anchors.contains) {
      return false
    }
    return true
  }

  /// The ranges, in Unicode scalar offsets of `text`, where the pattern
  /// occurs; `prepared` is `text` numbered by ``table``.
  func matches(in text: TextIndex, _ prepared: PreparedText) -> [Range<Int>] {
    guard mayOccur(prepared.anchors) else { return [] }
    return code.withUnsafeBufferPointer { code in
      leads.withUnsafeBufferPointer { leads in
        Self.run(code, leads: leads, on: prepared, of: text)
      }
    }
  }

  /// The ranges, in Unicode scalar offsets of `text`, where the program
  /// `code` matches; `prepared` is `text` numbered by the program's table,
  /// and `leads` are the program's ``leads``.
  static func run(
    _ code: UnsafeBufferPointer<Int32>, leads: UnsafeBufferPointer<UInt64>,
    on prepared: PreparedText, of text: TextIndex
  ) -> [Range<Int>] {
    let count = prepared.wordCount
    guard count > 0, code.count >= 2 else { return [] }
    var result: [Range<Int>] = []
    text.words.withUnsafeBufferPointer { words in
      prepared.withNumbers { numbers in
        let matcher = Matcher(code: code, numbers: numbers, count: count)
        // Most patterns begin with a word or a stem: it is compared with
        // each word here, and only where it matches is the rest matched.
        let lead = code[0]
        let leadID = code[1]
        // One that begins with a choice of words and stems is tried only at
        // a word that begins one of its alternatives, by its word's or its
        // stems' bits in `leads`: a choice may have dozens of alternatives,
        // and most words of a text begin none.
        for start in 0..<count {
          let next: Int?
          switch lead {
          case Self.word:
            next = numbers[start] == leadID ? matcher.match(2, start + 1) : nil
          case Self.stem:
            next =
              matcher.hasStem(start, leadID) ? matcher.match(2, start + 1) : nil
          default:
            if !leads.isEmpty, !matcher.begins(start, in: leads) {
              next = nil
            } else {
              next = matcher.match(0, start)
            }
          }
          if let end = next {
            result.append(words[start].start..<words[end - 1].end)
          }
        }
      }
    }
    return result
  }

  /// Runs a program over numbered words.
  private struct Matcher {
    let code: UnsafeBufferPointer<Int32>
    /// See ``PreparedText/numbers``.
    let numbers: UnsafeBufferPointer<Int32>
    /// How many words there are.
    let count: Int

    /// Whether word `word` starts with the stem `id`.
    @inline(__always)
    func hasStem(_ word: Int, _ id: Int32) -> Bool {
      var index = Int(numbers[count + word])
      let end = Int(numbers[count + word + 1])
      while index < end {
        if numbers[index] == id { return true }
        index += 1
      }
      return false
    }

    /// Whether word `word`, or one of its stems, has its id in `bits`.
    @inline(__always)
    func begins(_ word: Int, in bits: UnsafeBufferPointer<UInt64>) -> Bool {
      @inline(__always) func has(_ id: Int32) -> Bool {
        bits[Int(id) >> 6] & (1 << UInt64(id & 63)) != 0
      }
      let id = numbers[word]
      if id >= 0, has(id) { return true }
      var index = Int(numbers[count + word])
      let end = Int(numbers[count + word + 1])
      while index < end {
        if has(numbers[index]) { return true }
        index += 1
      }
      return false
    }

    /// Whether word `word` is the word or has the stem that `kind` and `id`
    /// name.
    @inline(__always)
    func matches(_ word: Int, _ kind: Int32, _ id: Int32) -> Bool {
      kind == WordProgram.word ? numbers[word] == id : hasStem(word, id)
    }

    /// Matches the program from `at` at word `word`; returns the index past
    /// the last word matched.
    func match(_ at: Int, _ word: Int) -> Int? {
      if at == code.count { return word }
      let argument = code[at + 1]
      switch code[at] {
      case WordProgram.word, WordProgram.stem:
        guard word < count, matches(word, code[at], argument) else {
          return nil
        }
        return match(at + 2, word + 1)
      case WordProgram.anyWord:
        guard word < count else { return nil }
        return match(at + 2, word + 1)
      case WordProgram.gap:
        for skip in 0...Int(argument) where word + skip <= count {
          if let end = match(at + 2, word + skip) { return end }
        }
        return nil
      default:
        // A choice: each alternative in turn, then the rest after it.
        let rest = at + 2 + Int(argument)
        var alternative = at + 3
        for _ in 0..<Int(code[at + 2]) {
          let length = Int(code[alternative])
          var next = word
          var matched = true
          for part in 0..<length {
            let kind = code[alternative + 1 + 2 * part]
            let id = code[alternative + 2 + 2 * part]
            guard next < count, matches(next, kind, id) else {
              matched = false
              break
            }
            next += 1
          }
          if matched, let end = match(rest, next) { return end }
          alternative += 1 + 2 * length
        }
        return nil
      }
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
