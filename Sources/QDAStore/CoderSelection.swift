import GRDB

/// Whose codings a report reads: one coder's, or the consensus of several.
public enum CoderSelection: Sendable, Equatable, ExpressibleByStringLiteral,
  CustomStringConvertible
{
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
        (SELECT unitId, code, 'consensus' AS coder, NULL AS runId, NULL AS rule,
                NULL AS field, NULL AS spanStart, NULL AS spanEnd, NULL AS memo
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
      // A seek in the coder index per name, not a read of every coding.
      try String.fetchAll(
        db,
        sql: """
          SELECT name FROM codingName n
          WHERE EXISTS (SELECT 1 FROM codingRow WHERE coderId = n.id)
          ORDER BY name != 'auto', name
          """
      )
    }
  }
}

/// Who coded what, over a set of units: the input of agreement statistics.
public struct AgreementData: Sendable, Equatable {
  /// The coders, in the order given.
  public var coders: [String]
  /// The units in scope, in source and file order.
  public var units: [String]
  /// The codes any coder applied in scope, codebook order first.
  public var codes: [String]
  /// For each coder (same order), the codes they applied to each unit in scope.
  public var codings: [[String: Set<String>]]
}

extension Store {
  /// The codings of several coders over the units in scope.
  ///
  /// Without `filter.kinds`, the scope is every unit of the kinds that all
  /// the coders coded (a unit nobody coded counts as "absent" for everyone).
  ///
  /// - Throws: `StoreError`.
  public func agreementData(coders: [String], filter: UnitFilter) throws
    -> AgreementData
  {
    var filter = filter
    if filter.kinds.isEmpty {
      let kindsPerCoder = try coders.map { coder in
        try read { db in
          try Set(
            String.fetchAll(
              db,
              sql: """
                SELECT DISTINCT u.kind FROM coding c JOIN unit u ON u.id = c.unitId
                WHERE c.coder = ?
                """, arguments: [coder]))
        }
      }
      let shared = kindsPerCoder.dropFirst().reduce(kindsPerCoder.first ?? []) {
        $0.intersection($1)
      }
      filter.kinds = shared.sorted()
      if filter.kinds.isEmpty {
        return AgreementData(
          coders: coders, units: [], codes: [], codings: coders.map { _ in [:] }
        )
      }
    }
    let units = try unitIDs(filter)
    let inScope = Set(units)
    var codings: [[String: Set<String>]] = []
    var used = Set<String>()
    for coder in coders {
      var byUnit: [String: Set<String>] = [:]
      for coding in try exportedCodings(coder: .coder(coder), filter: filter)
      where inScope.contains(coding.unit) {
        byUnit[coding.unit, default: []].insert(coding.code)
        used.insert(coding.code)
      }
      codings.append(byUnit)
    }
    let order = try currentCodes().map(\.id)
    let codes = order.filter(used.contains) + used.subtracting(order).sorted()
    return AgreementData(
      coders: coders, units: units, codes: codes, codings: codings)
  }
}
