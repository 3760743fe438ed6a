import QDAStore

/// Search results as keyword-in-context lines: the unit, who said it, and the
/// match with the text around it.
///
/// Each occurrence is one row, in document order. Line breaks in the context
/// are shown as spaces; the context is cut at word boundaries where it can be.
public struct KeywordInContext: Report {
  /// One occurrence.
  public struct Line: Sendable, Equatable {
    /// The unit id.
    public var unit: String
    /// The source's name.
    public var source: String
    /// The speaker, for turns.
    public var speaker: String?
    /// The text before the match.
    public var left: String
    /// The matched text.
    public var match: String
    /// The text after the match.
    public var right: String

    /// Creates a line.
    public init(
      unit: String, source: String, speaker: String?, left: String,
      match: String, right: String
    ) {
      self.unit = unit
      self.source = source
      self.speaker = speaker
      self.left = left
      self.match = match
      self.right = right
    }

    /// The line's cells, in the order of ``KeywordInContext/columns``.
    public var cells: [Cell] {
      [
        .text(unit), .text(source), speaker.map(Cell.text) ?? .null,
        .text(left), .text(match), .text(right),
      ]
    }
  }

  /// The query as given.
  public var query: String
  /// The lines.
  public var lines: [Line]

  /// Builds the lines from search hits.
  ///
  /// - Parameters:
  ///   - query: The query, for the JSON output.
  ///   - hits: The hits.
  ///   - width: How many characters of context to show on each side.
  ///   - limit: The most lines to show.
  public init(
    query: String, hits: [SearchHit], width: Int = 40, limit: Int? = nil
  ) {
    self.query = query
    var lines = hits.flatMap { Self.lines(of: $0, width: width) }
    if let limit { lines = Array(lines.prefix(limit)) }
    self.lines = lines
  }

  /// The lines of one hit: one per match.
  ///
  /// - Parameters:
  ///   - hit: The hit.
  ///   - width: How many characters of context to show on each side.
  /// - Returns: The lines, in text order.
  public static func lines(of hit: SearchHit, width: Int) -> [Line] {
    let scalars = Array(hit.text.unicodeScalars)
    var lines: [Line] = []
    for range in hit.matches where range.upperBound <= scalars.count {
      let leftStart = wordBoundary(
        scalars, from: max(0, range.lowerBound - width), forward: true,
        limit: range.lowerBound)
      let rightEnd = wordBoundary(
        scalars, from: min(scalars.count, range.upperBound + width),
        forward: false, limit: range.upperBound)
      func text(_ slice: ArraySlice<Unicode.Scalar>) -> String {
        String(
          String.UnicodeScalarView(
            slice.map { $0 == "\n" || $0 == "\r" ? " " : $0 }))
      }
      lines.append(
        Line(
          unit: hit.unit, source: hit.source, speaker: hit.speaker,
          left: (leftStart > 0 ? "…" : "")
            + text(scalars[leftStart..<range.lowerBound]),
          match: text(scalars[range]),
          right: text(scalars[range.upperBound..<rightEnd])
            + (rightEnd < scalars.count ? "…" : "")))
    }
    return lines
  }

  /// Moves a cut point to the nearest space between it and `limit`, so words are not cut.
  static func wordBoundary(
    _ scalars: [Unicode.Scalar], from position: Int, forward: Bool, limit: Int
  ) -> Int {
    let isEdge = forward ? position == 0 : position == scalars.count
    if isEdge { return position }
    var index = position
    while forward ? index < limit : index > limit {
      let scalar = forward ? scalars[index] : scalars[index - 1]
      if scalar == " " || scalar == "\n" { return index }
      index += forward ? 1 : -1
    }
    return position
  }

  /// The columns of every format but JSON, and the keys of JSON's rows.
  public static let columns: [ReportTable.Column] = [
    .init("unit"), .init("source"), .init("speaker"), .init("left"),
    .init("match"), .init("right"),
  ]

  public var table: ReportTable {
    ReportTable(columns: Self.columns, rows: lines.map(\.cells))
  }

  public var json: JSONValue {
    .object([("query", .string(query)), ("matches", table.jsonRows)])
  }
}
