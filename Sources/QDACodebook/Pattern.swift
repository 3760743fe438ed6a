import Foundation

/// A search pattern of a rule: a word pattern or a regular expression.
///
/// A **word pattern** is a sequence of words separated by spaces and matched
/// against the words of a text, after folding both (case, `ё` = `е`):
/// - `abscess` matches the word "abscess" only (not "abscesses").
/// - `абсцесс*` is a stem: any word starting with "абсцесс" (абсцесса, абсцессы).
/// - `_` matches any one word.
/// - `..` skips up to three words: `test* .. hiv` matches "testing for HIV".
/// - Punctuation separates words, so `at-home` is the two words "at home".
///
/// A **regular expression** is written between slashes, `/ревак?цин/`, and
/// searched in the folded text (lowercase, `ё` as `е`) with ICU syntax.
public struct Pattern: Sendable, CustomStringConvertible {
  /// One element of a word pattern.
  enum Element: Sendable, Equatable {
    case word(String)
    case stem(String)
    case anyWord
    case gap(Int)
  }

  enum Body: Sendable {
    case words([Element])
    case regex(RegularExpression)
  }

  /// The pattern as written in the codebook.
  public let source: String
  let body: Body

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
        body = .regex(RegularExpression(try NSRegularExpression(
          pattern: expression, options: [.caseInsensitive])))
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
      if part == "_" {
        elements.append(.anyWord)
        continue
      }
      let isStem = part.hasSuffix("*")
      let words = TextIndex(String(isStem ? part.dropLast() : part)).tokens.map(\.text)
      guard !words.isEmpty else { throw .noWords(String(part)) }
      elements.append(contentsOf: words.dropLast().map(Element.word))
      elements.append(isStem ? .stem(words.last!) : .word(words.last!))
    }
    guard !elements.isEmpty else { throw .empty }
    if case .gap = elements.first! { throw .misplacedGap }
    if case .gap = elements.last! { throw .misplacedGap }
    body = .words(elements)
  }

  /// The ranges, in Unicode scalar offsets of the original text, where the
  /// pattern occurs.
  public func matches(in text: TextIndex) -> [Range<Int>] {
    switch body {
    case .words(let elements):
      let tokens = text.tokens
      var result: [Range<Int>] = []
      for start in tokens.indices {
        if let end = Self.match(elements, 0, tokens, start) {
          result.append(tokens[start].start..<tokens[end - 1].end)
        }
      }
      return result
    case .regex(let expression):
      return expression.matches(in: text)
    }
  }

  /// Whether the pattern occurs in the text.
  public func occurs(in text: TextIndex) -> Bool { !matches(in: text).isEmpty }

  /// Matches `elements[element...]` at token `token`; returns the end token index.
  private static func match(
    _ elements: [Element], _ element: Int, _ tokens: [Token], _ token: Int
  ) -> Int? {
    if element == elements.count { return token }
    switch elements[element] {
    case .word(let word):
      guard token < tokens.count, tokens[token].text == word else { return nil }
      return match(elements, element + 1, tokens, token + 1)
    case .stem(let stem):
      guard token < tokens.count, tokens[token].text.hasPrefix(stem) else { return nil }
      return match(elements, element + 1, tokens, token + 1)
    case .anyWord:
      guard token < tokens.count else { return nil }
      return match(elements, element + 1, tokens, token + 1)
    case .gap(let limit):
      for skip in 0...limit where token + skip <= tokens.count {
        if let end = match(elements, element + 1, tokens, token + skip) { return end }
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
    for match in expression.matches(in: folded, range: nsRange) where match.range.length > 0 {
      guard let range = Range(match.range, in: folded) else { continue }
      let lower = folded.unicodeScalars.distance(from: folded.startIndex, to: range.lowerBound)
      let upper = folded.unicodeScalars.distance(from: folded.startIndex, to: range.upperBound)
      let start = text.originalOffsets[lower]
      let end = text.originalOffsets[upper - 1] + 1
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
  /// The regular expression is invalid.
  case invalidRegex(String)

  public var description: String {
    switch self {
    case .empty: return "empty pattern"
    case .noWords(let part): return "'\(part)' has no letters or digits to match"
    case .misplacedGap: return "'..' must stand between two words"
    case .invalidRegex(let expression): return "invalid regular expression '\(expression)'"
    }
  }
}
