import GRDB

/// Which units a query looks at.
public struct UnitFilter: Sendable, Equatable {
  /// Only units of these sources (all when empty).
  public var sources: [String] = []
  /// Only units of these kinds (all when empty).
  public var kinds: [String] = []

  /// All units.
  public init(sources: [String] = [], kinds: [String] = []) {
    self.sources = sources
    self.kinds = kinds
  }

  /// Whether every unit is in scope.
  var isEverything: Bool { sources.isEmpty && kinds.isEmpty }

  /// The SQL condition on `u` (unit) and `s` (source), and its arguments.
  var sql: (String, StatementArguments) {
    var conditions = ["1"]
    var arguments = StatementArguments()
    if !sources.isEmpty {
      conditions.append(
        "s.name IN (\(databaseQuestionMarks(count: sources.count)))")
      arguments += StatementArguments(sources)
    }
    if !kinds.isEmpty {
      conditions.append(
        "u.kind IN (\(databaseQuestionMarks(count: kinds.count)))")
      arguments += StatementArguments(kinds)
    }
    return (conditions.joined(separator: " AND "), arguments)
  }
}

/// A code of the current codebook, as stored.
public struct StoredCode: Sendable, Equatable {
  /// The qualified id.
  public var id: String
  /// The theme id.
  public var theme: String
  /// The theme name.
  public var themeName: String
  /// The code name.
  public var name: String
}

/// What a frequency query groups units by, besides the code.
public enum UnitGrouping: Sendable, Equatable {
  /// No grouping: one count per code.
  case none
  /// The month of the unit's date, `YYYY-MM` (`nil` for undated units).
  case month
  /// The value of an attribute (`nil` where a unit lacks it).
  case attribute(String)
  /// The speaker of a turn.
  case speaker
  /// The role of a turn's speaker.
  case role

  /// The SQL expression of the group and the join it needs.
  var sql: (expression: String, join: String, arguments: StatementArguments) {
    switch self {
    case .none: return ("NULL", "", [])
    case .month: return ("substr(u.date, 1, 7)", "", [])
    case .speaker: return ("u.speaker", "", [])
    case .role: return ("u.role", "", [])
    case .attribute(let name):
      // From the unit's packed attributes (`PackedAttributes`).
      return (PackedAttributes.valueSQL(name), "", [])
    }
  }
}

/// A count of units, per key (a code or a theme) and group.
public struct GroupCount: Sendable, Hashable {
  /// The code or theme id; `nil` in unit totals.
  public var key: String?
  /// The group (month, attribute value); `nil` when ungrouped or missing.
  public var group: String?
  /// How many distinct units.
  public var units: Int

  /// Creates a count.
  public init(key: String?, group: String?, units: Int) {
    self.key = key
    self.group = group
    self.units = units
  }
}

/// A unit for export.
public struct ExportedUnit: Sendable, Equatable {
  /// The unit id.
  public var id: String
  /// The source's name.
  public var source: String
  /// `case` or `turn`.
  public var kind: String
  /// The speaker, for turns.
  public var speaker: String?
  /// The speaker's role, for turns.
  public var role: String?
  /// The start time in seconds, for timed turns.
  public var startTime: Double?
  /// The end time in seconds, for timed turns.
  public var endTime: Double?
  /// The date.
  public var date: String?
  /// The text fields in order.
  public var texts: [Field]
  /// The attributes in order.
  public var attributes: [Field]

  /// A named value.
  public struct Field: Sendable, Equatable {
    /// The name.
    public var name: String
    /// The value.
    public var value: String
  }
}

/// A coding for export.
public struct ExportedCoding: Sendable, Equatable {
  /// The unit id.
  public var unit: String
  /// The qualified code id.
  public var code: String
  /// The coder.
  public var coder: String
  /// The rule, for `auto` codings.
  public var rule: String?
  /// The SHA-256 of the codebook whose rule made it.
  public var codebookHash: String?
  /// The field of the matched span.
  public var field: String?
  /// The span start (Unicode scalar offset).
  public var spanStart: Int?
  /// The span end.
  public var spanEnd: Int?
  /// The coder's memo.
  public var memo: String?
}

extension Store {
  /// The codes of the codebook applied last, in codebook order; empty when
  /// no codebook was applied.
  public func currentCodes() throws -> [StoredCode] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT id, theme, themeName, name FROM code
          WHERE codebookHash = (SELECT hash FROM codebook ORDER BY appliedSequence DESC LIMIT 1)
          ORDER BY position
          """
      ).map {
        StoredCode(id: $0[0], theme: $0[1], themeName: $0[2], name: $0[3])
      }
    }
  }

  /// How many units the store holds.
  public func unitCount() throws -> Int {
    try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM unit") ?? 0
    }
  }

  /// Whether the store holds a unit of `kind` (`case`, `turn`, `message`):
  /// one seek of the kind-and-date index.
  public func hasUnits(ofKind kind: String) throws -> Bool {
    try read { db in
      try Bool.fetchOne(
        db, sql: "SELECT EXISTS (SELECT 1 FROM unit WHERE kind = ?)",
        arguments: [kind]) ?? false
    }
  }

  /// Counts units in scope, per group.
  public func unitCounts(
    _ filter: UnitFilter, grouping: UnitGrouping = .none,
    countsDocuments: Bool = false
  )
    throws
    -> [GroupCount]
  {
    let (condition, filterArguments) = filter.sql
    let group = grouping.sql
    // A unit is one row here (an attribute joins by its key), so units are
    // counted by rows; the source is joined only to filter by its name.
    let count = countsDocuments ? "COUNT(DISTINCT u.sourceId)" : "COUNT(*)"
    let sourceJoin =
      filter.sources.isEmpty ? "" : "JOIN source s ON s.id = u.sourceId"
    return try read { db in
      if filter.isEverything, !countsDocuments,
        let counts = try talliedUnitCounts(db, grouping: grouping)
      {
        return counts
      }
      return try Row.fetchAll(
        db,
        sql: """
          SELECT \(group.expression) AS grp, \(count)
          FROM unit u \(sourceJoin) \(group.join)
          WHERE \(condition)
          \(grouping == .none ? "" : "GROUP BY grp ORDER BY grp")
          """,
        arguments: group.arguments + filterArguments
      ).map { GroupCount(key: nil, group: $0[0], units: $0[1]) }
    }
  }

  /// Counts the distinct units coded with each code (or each theme, when
  /// `byTheme`) by a coder, per group.
  ///
  /// - Parameters:
  ///   - coder: Whose codings count.
  ///   - filter: Which units are in scope.
  ///   - grouping: What to group the units by.
  ///   - byTheme: Whether to count per theme of the current codebook.
  ///   - countsDocuments: Whether to count distinct documents (sources)
  ///     rather than units.
  /// - Returns: The counts, ordered by key and group.
  /// - Throws: `StoreError` when the database cannot be read.
  public func codedCounts(
    coder: CoderSelection, filter: UnitFilter, grouping: UnitGrouping = .none,
    byTheme: Bool = false, countsDocuments: Bool = false
  ) throws -> [GroupCount] {
    let (condition, filterArguments) = filter.sql
    let group = grouping.sql
    let relation = coder.relation
    let key = byTheme ? "k.theme" : "c.code"
    let themeJoin =
      byTheme
      ? """
      JOIN code k ON k.id = c.code
        AND k.codebookHash = (SELECT hash FROM codebook ORDER BY appliedSequence DESC LIMIT 1)
      """ : ""
    // Codes of all units need no unit: the coding index answers alone.
    let unitJoin =
      filter.isEverything && grouping == .none && !countsDocuments
      ? ""
      : "JOIN unit u ON u.id = c.unitId"
        + (filter.sources.isEmpty ? "" : " JOIN source s ON s.id = u.sourceId")
    // A coder codes a unit with a code once, so a code's units are its rows
    // (a theme's are not: two of its codes may share a unit).
    let count =
      countsDocuments
      ? "COUNT(DISTINCT u.sourceId)"
      : byTheme ? "COUNT(DISTINCT c.unitId)" : "COUNT(*)"
    return try read { db in
      if coder == .coder("auto"), filter.isEverything, !byTheme,
        !countsDocuments,
        let counts = try talliedCodedCounts(db, grouping: grouping)
      {
        return counts
      }
      return try Row.fetchAll(
        db,
        sql: """
          SELECT \(key) AS key, \(group.expression) AS grp, \(count)
          FROM \(relation.sql) c
          \(unitJoin)
          \(themeJoin) \(group.join)
          WHERE \(unitJoin.isEmpty ? "1" : condition)
          GROUP BY \(grouping == .none ? "key" : "key, grp") ORDER BY key, grp
          """,
        arguments: relation.arguments + group.arguments
          + (unitJoin.isEmpty ? [] : filterArguments)
      ).map { GroupCount(key: $0[0], group: $0[1], units: $0[2]) }
    }
  }

  /// How many units in scope have both codes, for every pair of codes a
  /// coder applied together (each pair once, `first` < `second`).
  public func codePairCounts(coder: CoderSelection, filter: UnitFilter) throws
    -> [(first: String, second: String, units: Int)]
  {
    let (condition, filterArguments) = filter.sql
    let relation = coder.relation
    // For one coder, the partner is looked up by unit in the unique index
    // (`+` keeps SQLite from scanning the coder's rows instead).
    let (pairs, pairArguments): (String, StatementArguments)
    if case .coder(let name) = coder {
      pairs = """
        coding a JOIN coding b
          ON b.unitId = a.unitId AND +b.coder = a.coder AND b.code > a.code
          AND a.coder = ?
        """
      pairArguments = [name]
    } else {
      pairs = "r a JOIN r b ON b.unitId = a.unitId AND b.code > a.code"
      pairArguments = []
    }
    let unitJoin =
      filter.isEverything
      ? ""
      : "JOIN unit u ON u.id = a.unitId"
        + (filter.sources.isEmpty ? "" : " JOIN source s ON s.id = u.sourceId")
    return try read { db in
      try Row.fetchAll(
        db,
        sql: """
          WITH r AS MATERIALIZED \(relation.sql)
          SELECT a.code, b.code, COUNT(*)
          FROM \(pairs)
          \(unitJoin)
          WHERE \(unitJoin.isEmpty ? "1" : condition)
          GROUP BY a.code, b.code
          """,
        arguments: relation.arguments + pairArguments
          + (unitJoin.isEmpty ? [] : filterArguments)
      ).map { ($0[0], $0[1], $0[2]) }
    }
  }

  /// The names of sources in the database, in import order.
  public func sourceNames() throws -> [String] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT name FROM source ORDER BY id")
    }
  }
}

/// A unit that carries a code, with what a quote needs.
public struct CodedUnit: Sendable, Equatable {
  /// The unit id.
  public var id: String
  /// The source's name.
  public var source: String
  /// The unit kind.
  public var kind: String
  /// The speaker, for turns.
  public var speaker: String?
  /// The speaker's role, for turns.
  public var role: String?
  /// The date.
  public var date: String?
  /// The text fields in order.
  public var texts: [ExportedUnit.Field]
  /// The question before the turn, for turns that answer the interviewer.
  public var question: String?
  /// Where the unit is: its source's number and its place in the source;
  /// in this order, units are in source and file order.
  public var position: Position

  /// A unit's place among all units.
  public struct Position: Sendable, Hashable, Comparable {
    /// The source's row id: sources in import order.
    public var source: Int64
    /// The unit's place in its source.
    public var ordinal: Int

    public static func < (a: Self, b: Self) -> Bool {
      (a.source, a.ordinal) < (b.source, b.ordinal)
    }
  }
}

extension Store {
  /// The path and content hash of the codebook applied last, if any.
  public func currentCodebook() throws -> (path: String, hash: String)? {
    try read { db in
      try Row.fetchOne(
        db,
        sql:
          "SELECT path, hash FROM codebook ORDER BY appliedSequence DESC LIMIT 1"
      ).map { ($0[0], $0[1]) }
    }
  }

  /// The units coded with `code` by `coder`, in source and file order.
  ///
  /// - Parameters:
  ///   - code: The qualified code id.
  ///   - coder: Whose codings.
  ///   - filter: Which units are in scope.
  ///   - limit: At most this many units: the first by unit id. Reading only
  ///     them keeps quotes quick whatever the size of the database.
  /// - Returns: The units with their texts and, for turns, the
  ///   interviewer's question just before.
  /// - Throws: `StoreError`.
  public func codedUnits(
    code: String, coder: CoderSelection, filter: UnitFilter, limit: Int? = nil
  ) throws
    -> [CodedUnit]
  {
    var units: [CodedUnit] = []
    try codedUnits(code: code, coder: coder, filter: filter, limit: limit) {
      units += $0
    }
    return units.sorted { $0.position < $1.position }
  }

  /// Calls `body` with the units coded with `code` by `coder`, a few
  /// hundred at a time in unit id order, so that they are never all held.
  ///
  /// - Parameters:
  ///   - code: The qualified code id.
  ///   - coder: Whose codings.
  ///   - filter: Which units are in scope.
  ///   - limit: At most this many units: the first by unit id.
  ///   - body: Called with each batch of units, with their texts and, for
  ///     turns, the interviewer's question just before.
  /// - Throws: What `body` throws, or `StoreError`.
  public func codedUnits(
    code: String, coder: CoderSelection, filter: UnitFilter, limit: Int?,
    _ body: ([CodedUnit]) throws -> Void
  ) throws {
    let (condition, arguments) = filter.sql
    try read { db in
      let ids = try String.fetchCursor(
        db,
        sql: """
          SELECT c.unitId FROM \(coder.relation.sql) c JOIN unit u ON u.id = c.unitId
          JOIN source s ON s.id = u.sourceId
          WHERE c.code = ? AND \(condition)
          ORDER BY c.unitId \(limit == nil ? "" : "LIMIT ?")
          """,
        arguments: coder.relation.arguments + [code] + arguments
          + StatementArguments(limit.map { [$0] } ?? []))
      let questionStatement = try db.makeStatement(
        sql: """
          SELECT p.id, p.role FROM unit p WHERE p.sourceId = ? AND p.ordinal < ?
          ORDER BY p.ordinal DESC LIMIT 1
          """)
      var chunk: [String] = []
      func flush() throws {
        guard !chunk.isEmpty else { return }
        defer { chunk.removeAll(keepingCapacity: true) }
        try body(
          try Self.codedUnits(db, ids: chunk, questions: questionStatement))
      }
      while let id = try ids.next() {
        chunk.append(id)
        if chunk.count == 500 { try flush() }
      }
      try flush()
    }
  }

  /// The units with these ids, their texts and questions, in no order.
  private static func codedUnits(
    _ db: Database, ids: [String], questions: Statement
  ) throws -> [CodedUnit] {
    let marks = databaseQuestionMarks(count: ids.count)
    var texts: [String: [ExportedUnit.Field]] = [:]
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT u.id, t.field, t.text FROM unit u JOIN unitText t ON \(Self.textsOfUnit)
        WHERE u.id IN (\(marks))
        ORDER BY u.id, t.position
        """, arguments: StatementArguments(ids))
    {
      texts[row[0], default: []].append(.init(name: row[1], value: row[2]))
    }
    var units: [CodedUnit] = []
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT u.id, s.name, u.kind, u.speaker, u.role, u.date, u.sourceId, u.ordinal
        FROM unit u JOIN source s ON s.id = u.sourceId WHERE u.id IN (\(marks))
        """, arguments: StatementArguments(ids))
    {
      let id: String = row[0]
      let kind: String = row[2]
      let position = CodedUnit.Position(source: row[6], ordinal: row[7])
      var question: String?
      if kind == "turn",
        let previous = try Row.fetchOne(
          questions, arguments: [position.source, position.ordinal]),
        previous[1] == "interviewer"
      {
        question = try String.fetchAll(
          db,
          sql: """
            SELECT t.text FROM unit u JOIN unitText t ON \(Self.textsOfUnit)
            WHERE u.id = ? ORDER BY t.position
            """,
          arguments: [previous[0] as String]
        ).joined(separator: "\n")
      }
      units.append(
        CodedUnit(
          id: id, source: row[1], kind: kind, speaker: row[3], role: row[4],
          date: row[5], texts: texts[id] ?? [], question: question,
          position: position))
    }
    return units
  }
}
