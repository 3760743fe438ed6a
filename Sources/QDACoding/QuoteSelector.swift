import QDACodebook
import QDAStore

/// An exemplar quote for a code, with its attribution.
public struct Quote: Sendable, Equatable {
  /// The unit quoted.
  public var unit: String
  /// Who said it: `Speaker (role), document` for turns, `case ID, date` for cases.
  public var attribution: String
  /// The quoted text.
  public var text: String
  /// How many times the code's rules hit the text.
  public var hits: Int
  /// Hits per 100 words, the ranking measure.
  public var density: Double
}

/// Chooses exemplar quotes for a code, deterministically.
///
/// Candidates are the units coded with the code. Each is scored by how densely
/// the code's rules hit it (hits per 100 words); units whose text is within
/// the length range come first, then by density, then by fewer words, then in
/// document order. The same database and codebook always give the same quotes.
public struct QuoteSelector: Sendable {
  /// How many of a code's units are candidates: the first by unit id.
  ///
  /// Every unit of a code in a study of a few hundred cases, and a bounded,
  /// deterministic choice in a database of a million.
  public static let candidateLimit = 1_000
  /// The codebook whose rules score the quotes.
  public let codebook: Codebook
  /// The shortest quote preferred, in characters.
  public var minimumLength = 40
  /// The longest quote preferred, in characters.
  public var maximumLength = 400

  /// Creates a selector.
  public init(codebook: Codebook) { self.codebook = codebook }

  /// The best quotes for a code.
  ///
  /// - Parameters:
  ///   - code: The qualified code id.
  ///   - units: The units coded with it, in document order.
  ///   - limit: How many quotes.
  /// - Returns: The quotes, best first.
  public func quotes(for code: String, among units: [CodedUnit], limit: Int)
    -> [Quote]
  {
    guard codebook.code(code) != nil else { return [] }
    let scored = units.enumerated().map {
      order, unit -> (Quote, inRange: Bool, words: Int, order: Int) in
      var matchable = MatchableUnit(
        kind: unit.kind, role: unit.role,
        texts: unit.texts.map { ($0.name, $0.value) })
      if let question = unit.question {
        matchable.context = [
          .init(name: "question", index: TextIndex(question))
        ]
      }
      let text = unit.texts.map(\.value).joined(separator: "\n")
      let words = max(1, TextIndex(text).wordCount)
      let hits = codebook.hitCount(of: code, in: matchable)
      let density = Double(hits) * 100 / Double(words)
      let quote = Quote(
        unit: unit.id, attribution: Self.attribution(unit), text: text,
        hits: hits,
        density: density)
      let length = text.count
      return (
        quote, length >= minimumLength && length <= maximumLength, words, order
      )
    }
    let ranked = scored.sorted { a, b in
      if a.inRange != b.inRange { return a.inRange }
      if a.0.density != b.0.density { return a.0.density > b.0.density }
      if a.words != b.words { return a.words < b.words }
      return a.order < b.order
    }
    return ranked.prefix(limit).map(\.0)
  }

  /// `Speaker (role), document` for turns; `case ID, date` for cases.
  static func attribution(_ unit: CodedUnit) -> String {
    if unit.kind == "turn" {
      let speaker = unit.speaker ?? "unknown speaker"
      let role = unit.role.map { " (\($0))" } ?? ""
      return "\(speaker)\(role), \(unit.source)"
    }
    return "case \(unit.id)" + (unit.date.map { ", \($0)" } ?? "")
  }
}
