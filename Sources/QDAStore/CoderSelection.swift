import GRDB

/// Whose codings a report reads: one coder's, or the consensus of several.
public enum CoderSelection: Sendable, Equatable, ExpressibleByStringLiteral, CustomStringConvertible {
  /// One coder (`auto` for the rules).
  case coder(String)
  /// The codes that every one of these coders applied to a unit.
  case consensus([String])

  /// The name reports show: the coder, or `consensus`.
  public var description: String {
    switch self {
    case .coder(let name): return name
    case .consensus: return "consensus"
    }
  }

  public init(stringLiteral value: String) { self = .coder(value) }

  /// A subquery with the columns of `coding`, holding the selected codings.
  var relation: (sql: String, arguments: StatementArguments) {
    switch self {
    case .coder(let name):
      return ("(SELECT * FROM coding WHERE coder = ?)", [name])
    case .consensus(let coders):
      let marks = databaseQuestionMarks(count: coders.count)
      return (
        """
        (SELECT NULL AS id, unitId, code, 'consensus' AS coder, NULL AS rule,
                NULL AS codebookHash, NULL AS field, NULL AS spanStart, NULL AS spanEnd,
                NULL AS memo, NULL AS createdAt
         FROM coding WHERE coder IN (\(marks))
         GROUP BY unitId, code HAVING COUNT(DISTINCT coder) = \(coders.count))
        """,
        StatementArguments(coders)
      )
    }
  }
}

extension Store {
  /// The coders who have codings, `auto` first, then by name.
  public func coders() throws -> [String] {
    try read { db in
      try String.fetchAll(
        db, sql: "SELECT DISTINCT coder FROM coding ORDER BY coder != 'auto', coder")
    }
  }
}
