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
/// Candidates are the units coded with the code that have text to quote (a
/// voice message coded by its attributes has none). Each is scored by how densely
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
  ///   - units: The units coded with it.
  ///   - limit: How many quotes.
  /// - Returns: The quotes, best first.
  public func quotes(for code: String, among units: [CodedUnit], limit: Int)
    -> [Quote]
  {
    var ranking = Ranking(selector: self, code: code, limit: limit)
    ranking.consider(units)
    return ranking.quotes
  }

  /// The best quotes for a code among units given a batch at a time: only
  /// the best so far are kept, so any number of units can be ranked.
  public struct Ranking: Sendable {
    private struct Candidate: Sendable {
      var quote: Quote
      var inRange: Bool
      var words: Int
      var position: CodedUnit.Position

      /// Whether this candidate ranks before `other`.
      func ranksBefore(_ other: Candidate) -> Bool {
        if inRange != other.inRange { return inRange }
        if quote.density != other.quote.density {
          return quote.density > other.quote.density
        }
        if words != other.words { return words < other.words }
        return position < other.position
      }
    }

    private let selector: QuoteSelector
    private let code: String
    private let limit: Int
    private let isKnown: Bool
    /// The best candidates so far, best first; at most `limit`.
    private var best: [Candidate] = []

    /// Starts ranking units for `code`.
    public init(selector: QuoteSelector, code: String, limit: Int) {
      self.selector = selector
      self.code = code
      self.limit = limit
      isKnown = selector.codebook.code(code) != nil
    }

    /// The quotes, best first.
    public var quotes: [Quote] { best.map(\.quote) }

    /// Scores `units` and keeps those among the best so far.
    public mutating func consider(_ units: [CodedUnit]) {
      guard isKnown, limit > 0 else { return }
      for unit in units
      where unit.texts.contains(where: {
        $0.value.unicodeScalars.contains { !$0.properties.isWhitespace }
      }) {
        let candidate = score(unit)
        if best.count == limit {
          guard let worst = best.last, candidate.ranksBefore(worst) else {
            continue
          }
          best.removeLast()
        }
        let index =
          best.firstIndex { candidate.ranksBefore($0) } ?? best.endIndex
        best.insert(candidate, at: index)
      }
    }

    private func score(_ unit: CodedUnit) -> Candidate {
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
      let hits = selector.codebook.hitCount(of: code, in: matchable)
      let length = text.count
      return Candidate(
        quote: Quote(
          unit: unit.id, attribution: QuoteSelector.attribution(unit),
          text: text, hits: hits,
          density: Double(hits) * 100 / Double(words)),
        inRange: length >= selector.minimumLength
          && length <= selector.maximumLength,
        words: words, position: unit.position)
    }
  }

  /// `Speaker (role), document` for turns; `case ID, date` for cases and
  /// `message ID, date` for chat messages (no sender: most are clients).
  static func attribution(_ unit: CodedUnit) -> String {
    if unit.kind == "turn" {
      let speaker = unit.speaker ?? "unknown speaker"
      let role = unit.role.map { " (\($0))" } ?? ""
      return "\(speaker)\(role), \(unit.source)"
    }
    let noun = unit.kind == "message" ? "message" : "case"
    return "\(noun) \(unit.id)" + (unit.date.map { ", \($0)" } ?? "")
  }
}
