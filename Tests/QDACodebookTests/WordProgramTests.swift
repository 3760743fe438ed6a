import QDATestSupport
import Testing

@testable import QDACodebook

/// Word patterns compiled to programs over numbered words find exactly what
/// matching the words as strings finds.
@Suite struct WordProgramTests {
  /// The reference: a pattern's elements matched against the words as
  /// strings, by the recursion the program replaces.
  static func referenceMatches(_ pattern: Pattern, in text: TextIndex)
    -> [Range<Int>]
  {
    let tokens = text.tokens
    func matches(_ element: Pattern.Element, _ token: Int) -> Bool {
      guard token < tokens.count else { return false }
      switch element {
      case .word(let word): return tokens[token].text == word
      case .stem(let stem): return tokens[token].text.hasPrefix(stem)
      default: return false
      }
    }
    func match(_ element: Int, _ token: Int) -> Int? {
      let elements = pattern.elements
      if element == elements.count { return token }
      switch elements[element] {
      case .word, .stem:
        guard matches(elements[element], token) else { return nil }
        return match(element + 1, token + 1)
      case .anyWord:
        guard token < tokens.count else { return nil }
        return match(element + 1, token + 1)
      case .gap(let limit):
        for skip in 0...limit where token + skip <= tokens.count {
          if let end = match(element + 1, token + skip) { return end }
        }
        return nil
      case .choice(let choices):
        for choice in choices {
          let fits = choice.indices.allSatisfy {
            matches(choice[$0], token + $0)
          }
          if fits, let end = match(element + 1, token + choice.count) {
            return end
          }
        }
        return nil
      }
    }
    return tokens.indices.compactMap { start in
      match(0, start).map { tokens[start].start..<tokens[$0 - 1].end }
    }
  }

  @Test func programsAgreeWithMatchingStrings() throws {
    var random = SeededGenerator(seed: 20_261_121)
    let words = [
      "вен", "вена", "вены", "ve", "vein", "veins", "hiv", "вич", "ёж",
    ]
    func word() -> String { words[Int(random.next() % UInt64(words.count))] }
    func part() -> String {
      switch random.next() % 8 {
      case 0: return word() + "*"
      case 1: return "_"
      case 2: return ".."
      case 3: return "..\(1 + random.next() % 2)"
      case 4:
        // A choice of up to four alternatives, some of two words.
        return (0...(random.next() % 4)).map { _ in
          switch random.next() % 4 {
          case 0: return word() + "*"
          case 1: return "\(word())-\(word())"
          default: return word()
          }
        }.joined(separator: "|")
      case 5: return "\(word())-\(word())"
      default: return word()
      }
    }
    var checked = 0
    for _ in 0..<3_000 {
      let source = (0...(random.next() % 3)).map { _ in part() }.joined(
        separator: " ")
      // Patterns that do not compile (a gap at an end) are not the point.
      guard let pattern = try? Pattern(source) else { continue }
      let table = AnchorTable(
        patterns: [pattern]
          + (try ["vein*|вен*", "вич .. hiv"].map(Pattern.init)))
      let bound = pattern.bound(to: table)
      for _ in 0..<5 {
        let text = (0..<(random.next() % 9)).map { _ in
          let word = word()
          return random.next() % 4 == 0 ? word.uppercased() : word
        }.joined(separator: random.next() % 2 == 0 ? " " : ", ")
        let index = TextIndex(text)
        let expected = Self.referenceMatches(pattern, in: index)
        #expect(
          pattern.matches(in: index) == expected,
          "\(source) in \(text)")
        #expect(
          bound.matches(in: index) == expected,
          "\(source) bound, in \(text)")
        checked += expected.isEmpty ? 0 : 1
      }
    }
    #expect(checked > 1_000)
  }

  @Test func aWordTheTableLacksMatchesNothing() throws {
    // Bound to a table made without its words, a pattern finds nothing,
    // rather than matching the words that have no id.
    let pattern = try Pattern("abscess _")
    let table = AnchorTable(patterns: [try Pattern("vein")])
    let bound = pattern.bound(to: table)
    #expect(bound.matches(in: TextIndex("an abscess here")).isEmpty)
    #expect(pattern.matches(in: TextIndex("an abscess here")) == [3..<15])
    // So does an alternative of a choice: the others still match.
    let choice = try Pattern("abscess|vein*|вен _")
    let boundChoice = choice.bound(
      to: AnchorTable(patterns: [try Pattern("vein* here")]))
    let text = TextIndex("abscess here, veins there, вен тут")
    #expect(boundChoice.matches(in: text) == [14..<25])
    #expect(choice.matches(in: text) == [0..<12, 14..<25, 27..<34])
  }
}
