import Foundation
import QDACodebook
import QDATestSupport
import Testing

@testable import QDACoding
@testable import QDAStore

/// Quotes ranked a batch at a time, keeping only the best, must be the
/// first quotes of ranking every unit at once.
@Suite struct QuoteRankingTests {
  let codebook: Codebook

  init() throws {
    codebook = try Codebook.load(
      path: TestPaths.package("Codebooks/web-outreach.yml").path)
  }

  /// Units made of sample phrases, some repeated (ties on every measure
  /// but position), in shuffled order.
  func units(_ generator: inout SeededGenerator) -> [CodedUnit] {
    let phrases = [
      "gave naloxone", "overdose at night", "an abscess on the arm",
      "передозировка", "налоксон", "asked about PrEP", "and then", "thanks",
      "вена на руке болит", "voice message",
    ]
    var positions = Array(0..<300).shuffled(using: &generator)
    return (0..<300).map { index in
      let text = (0..<Int.random(in: 1...12, using: &generator)).map { _ in
        phrases.randomElement(using: &generator) ?? ""
      }.joined(separator: " ")
      let position = positions.removeLast()
      return CodedUnit(
        id: "C\(index)", source: "r", kind: "case", speaker: nil, role: nil,
        date: nil, texts: [.init(name: "request", value: text)],
        question: nil,
        position: .init(source: Int64(position % 3), ordinal: position))
    }
  }

  /// Every unit scored, then sorted by the documented order.
  func reference(
    _ units: [CodedUnit], code: String, selector: QuoteSelector, limit: Int
  ) -> [String] {
    let scored = units.map { unit in
      let text = unit.texts.map(\.value).joined(separator: "\n")
      let words = max(1, TextIndex(text).wordCount)
      let hits = codebook.hitCount(
        of: code,
        in: MatchableUnit(
          kind: unit.kind, role: unit.role,
          texts: unit.texts.map { ($0.name, $0.value) }))
      let inRange =
        text.count >= selector.minimumLength
        && text.count <= selector.maximumLength
      return (
        unit.id, inRange, Double(hits) * 100 / Double(words), words,
        unit.position
      )
    }
    return scored.sorted { a, b in
      if a.1 != b.1 { return a.1 }
      if a.2 != b.2 { return a.2 > b.2 }
      if a.3 != b.3 { return a.3 < b.3 }
      return a.4 < b.4
    }.prefix(limit).map(\.0)
  }

  @Test func batchesKeepingTheBestGiveTheFirstOfTheWholeRanking() {
    var generator = SeededGenerator(seed: 2026_11_21)
    var selector = QuoteSelector(codebook: codebook)
    selector.minimumLength = 30
    selector.maximumLength = 120
    for code in ["hybrid.overdose", "online-only.minor-complications"] {
      for limit in [1, 5, 40, 300] {
        let units = units(&generator)
        var ranking = QuoteSelector.Ranking(
          selector: selector, code: code, limit: limit)
        var rest = units[...]
        while !rest.isEmpty {
          let size = Int.random(in: 1...60, using: &generator)
          ranking.consider(Array(rest.prefix(size)))
          rest = rest.dropFirst(size)
        }
        let expected = reference(
          units, code: code, selector: selector, limit: limit)
        #expect(ranking.quotes.map(\.unit) == expected, "\(code) \(limit)")
        #expect(ranking.quotes.contains { $0.hits > 0 })
      }
    }
  }

  /// A unit without text (a voice message, coded by its attributes) is no
  /// quote, however few the others.
  @Test func unitsWithoutTextAreNotQuoted() {
    func unit(_ id: String, _ texts: [String], ordinal: Int) -> CodedUnit {
      CodedUnit(
        id: id, source: "chat", kind: "message", speaker: nil, role: nil,
        date: nil, texts: texts.map { .init(name: "text", value: $0) },
        question: nil, position: .init(source: 1, ordinal: ordinal))
    }
    let quotes = QuoteSelector(codebook: codebook).quotes(
      for: "challenge.voice-messages",
      among: [
        unit("chat:1", [""], ordinal: 1), unit("chat:2", [], ordinal: 2),
        unit("chat:3", [" \n\u{3000}"], ordinal: 3),
        unit("chat:4", ["", "I sent a voice note"], ordinal: 4),
      ], limit: 5)
    #expect(quotes.map(\.unit) == ["chat:4"])
  }
}
