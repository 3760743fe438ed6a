import GRDB

/// What the columns of a unit export depend on.
public struct ExportedUnitShape: Sendable, Equatable {
  /// The names of text fields, in the order first met.
  public var textFields: [String]
  /// The names of attributes, in the order first met.
  public var attributes: [String]
  /// Whether any unit is a turn with a speaker's role.
  public var hasTurns: Bool
  /// Whether any unit has a speaker.
  public var hasSpeakers: Bool

  /// Creates a shape.
  public init(
    textFields: [String], attributes: [String], hasTurns: Bool,
    hasSpeakers: Bool
  ) {
    self.textFields = textFields
    self.attributes = attributes
    self.hasTurns = hasTurns
    self.hasSpeakers = hasSpeakers
  }
}

/// The kinds of a source's units and its speakers' roles
/// (``Store/sourceUnitProfiles()``).
public struct SourceUnitProfile: Sendable, Equatable {
  /// A speaker and the role the import gave them.
  public struct SpeakerRole: Sendable, Equatable {
    /// The speaker's name.
    public var speaker: String
    /// Their role.
    public var role: String

    /// Creates a speaker's role.
    public init(speaker: String, role: String) {
      self.speaker = speaker
      self.role = role
    }
  }

  /// The kinds of unit (`case`, `turn`, `message`), in the order first met.
  public var kinds: [String] = []
  /// The names of the units' text fields (`request`, `services`, `text`).
  public var fields: [String] = []
  /// The speakers with a role, in the order first met.
  public var roles: [SpeakerRole] = []

  /// Creates an empty profile.
  public init() {}
}

/// Units without codings: by anyone, or by one coder.
public enum WithoutCodings: Sendable, Equatable {
  /// Units nobody has coded.
  case byAnyone
  /// Units this coder has not coded.
  case by(String)

  /// The condition on unit `u`, and its arguments.
  var sql: (String, StatementArguments) {
    switch self {
    case .byAnyone:
      return ("NOT EXISTS (SELECT 1 FROM coding c WHERE c.unitId = u.id)", [])
    case .by(let coder):
      return (
        "NOT EXISTS (SELECT 1 FROM coding c WHERE c.unitId = u.id AND c.coder = ?)",
        [coder]
      )
    }
  }
}

extension Store {
  /// The units in scope with their texts and attributes, in source and file
  /// order.
  public func exportedUnits(_ filter: UnitFilter) throws -> [ExportedUnit] {
    var units: [ExportedUnit] = []
    try exportUnits(
      filter, passes: 1, shape: { _ in }, readsShape: false,
      body: { _, unit in units.append(unit) })
    return units
  }

  /// The ids of the units in scope, in source and file order: what needs
  /// no text reads none (a million units' texts are most of a gigabyte).
  public func unitIDs(_ filter: UnitFilter) throws -> [String] {
    let (condition, arguments) = filter.sql
    return try read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT u.id FROM source s CROSS JOIN unit u ON u.sourceId = s.id
          WHERE \(condition) ORDER BY s.id, u.ordinal
          """, arguments: arguments)
    }
  }

  /// What each source's units are beyond their texts, by source name: the
  /// kinds of unit it holds, the names of their text fields, and the role
  /// of each speaker who has one, in the order of the units.
  ///
  /// A REFI-QDA project renders every unit as a block of plain text; this
  /// is what the export writes beside it so that its import can give the
  /// blocks back their kind, fields and speakers' roles.
  public func sourceUnitProfiles() throws -> [String: SourceUnitProfile] {
    try read { db in
      var profiles: [String: SourceUnitProfile] = [:]
      let names = try Dictionary(
        uniqueKeysWithValues: Row.fetchAll(
          db, sql: "SELECT id, name FROM source"
        ).map { row -> (Int64, String) in (row[0], row[1]) })
      // One row per source, kind, speaker and role as first met in the
      // units' order, by one pass over them that keeps only the distinct
      // rows (grouping sorted all of a million units: 0.9 s, this 0.15 s).
      let rows = try Row.fetchCursor(
        db, sql: "SELECT DISTINCT sourceId, kind, speaker, role FROM unit")
      while let row = try rows.next() {
        guard let source = names[row[0]] else { continue }
        var profile = profiles[source] ?? SourceUnitProfile()
        let kind: String = row[1]
        if !profile.kinds.contains(kind) { profile.kinds.append(kind) }
        if let speaker: String = row[2], let role: String = row[3],
          !profile.roles.contains(where: { $0.speaker == speaker })
        {
          profile.roles.append(.init(speaker: speaker, role: role))
        }
        profiles[source] = profile
      }
      // The fields, by one pass over the texts' rows (0.45 s for a
      // million units' two fields).
      let fields = try Row.fetchCursor(
        db,
        sql: """
          SELECT DISTINCT u.sourceId, t.field
          FROM unit u CROSS JOIN unitText t ON \(Self.textsOfUnit)
          """)
      while let row = try fields.next() {
        guard let source = names[row[0]] else { continue }
        profiles[source, default: SourceUnitProfile()].fields.append(row[1])
      }
      return profiles
    }
  }

  /// The units in scope without codings (of `coder`, or of anyone).
  public func uncodedUnits(coder: String?, filter: UnitFilter) throws
    -> [ExportedUnit]
  {
    var units: [ExportedUnit] = []
    try exportUnits(
      filter, without: coder.map(WithoutCodings.by) ?? .byAnyone, passes: 1,
      shape: { _ in }, readsShape: false,
      body: { _, unit in units.append(unit) })
    return units
  }

  /// The text fields and attributes of the units in scope, and whether
  /// any is a turn or has a speaker, without reading the units.
  public func exportedUnitShape(_ filter: UnitFilter) throws
    -> ExportedUnitShape
  {
    var shape = ExportedUnitShape(
      textFields: [], attributes: [], hasTurns: false, hasSpeakers: false)
    try exportUnits(
      filter, passes: 0, shape: { shape = $0 }, body: { _, _ in })
    return shape
  }

  /// Calls `body` with each unit in scope, its texts and attributes, in
  /// source and file order, without holding more than one unit.
  ///
  /// Units, texts and attributes are three cursors in the same order, merged
  /// by unit id, all read from one snapshot of the database.
  ///
  /// - Parameters:
  ///   - filter: The units in scope.
  ///   - without: Only the units without these codings.
  ///   - passes: How many times to read the units, each the same (two for
  ///     output that must measure every row before writing the first).
  ///   - shape: Called first with the text fields and attributes the
  ///     units have, and whether any is a turn.
  ///   - body: Called with the pass (from 0) and each unit.
  /// - Throws: What `shape` or `body` throws, or `StoreError`.
  public func exportUnits(
    _ filter: UnitFilter, without: WithoutCodings? = nil, passes: Int = 1,
    shape: (ExportedUnitShape) throws -> Void,
    body: (_ pass: Int, _ unit: ExportedUnit) throws -> Void
  ) throws {
    try exportUnits(
      filter, without: without, passes: passes, shape: shape, readsShape: true,
      body: body)
  }

  /// Calls `body` with each unit in scope and everyone's codings of it
  /// (in the order of ``exportCodings(coder:filter:passes:_:)``), from one
  /// snapshot and without holding either: units and codings are read by
  /// cursors in the same unit order and merged.
  ///
  /// - Parameters:
  ///   - filter: The units in scope.
  ///   - body: Called with each unit, in source and file order, and its
  ///     codings.
  /// - Throws: What `body` throws, or `StoreError`.
  public func exportUnitsWithCodings(
    _ filter: UnitFilter,
    body: (_ unit: ExportedUnit, _ codings: [ExportedCoding]) throws -> Void
  ) throws {
    try exportUnits(
      filter, passes: 1, shape: { _ in }, readsShape: false, withCodings: true,
      body: { _, unit, codings in try body(unit, codings) })
  }

  private func exportUnits(
    _ filter: UnitFilter, without: WithoutCodings? = nil, passes: Int,
    shape: (ExportedUnitShape) throws -> Void, readsShape: Bool,
    body: (_ pass: Int, _ unit: ExportedUnit) throws -> Void
  ) throws {
    try exportUnits(
      filter, without: without, passes: passes, shape: shape,
      readsShape: readsShape, withCodings: false,
      body: { pass, unit, _ in try body(pass, unit) })
  }

  private func exportUnits(
    _ filter: UnitFilter, without: WithoutCodings? = nil, passes: Int,
    shape: (ExportedUnitShape) throws -> Void, readsShape: Bool,
    withCodings: Bool,
    body: (_ pass: Int, _ unit: ExportedUnit, _ codings: [ExportedCoding])
      throws -> Void
  ) throws {
    var (condition, arguments) = filter.sql
    if let (absence, absenceArguments) = without?.sql {
      condition += " AND " + absence
      arguments += absenceArguments
    }
    // The units drive the join (CROSS JOIN fixes the order), in their
    // source-order index; texts are looked up by the range of ids each
    // unit names. Attributes are packed in the unit's row.
    let units = "FROM source s CROSS JOIN unit u ON u.sourceId = s.id"
    let texts = "\(units) CROSS JOIN unitText t ON \(Self.textsOfUnit)"
    try read { db in
      if readsShape {
        try shape(
          ExportedUnitShape(
            textFields: try Self.namesInOrder(
              db,
              sql:
                "SELECT t.field \(texts) WHERE \(condition) ORDER BY s.id, u.ordinal, t.position",
              arguments: arguments),
            attributes: try attributeNamesInOrder(
              db,
              sql:
                "SELECT u.id, u.attributes \(units) WHERE \(condition) ORDER BY s.id, u.ordinal",
              arguments: arguments),
            hasTurns: try Bool.fetchOne(
              db,
              sql:
                "SELECT EXISTS (SELECT 1 \(units) WHERE \(condition) AND u.role IS NOT NULL)",
              arguments: arguments) ?? false,
            hasSpeakers: try Bool.fetchOne(
              db,
              sql:
                "SELECT EXISTS (SELECT 1 \(units) WHERE \(condition) AND u.speaker IS NOT NULL)",
              arguments: arguments) ?? false))
      }
      for pass in 0..<passes {
        let unitRows = try Row.fetchCursor(
          db,
          sql: """
            SELECT u.id, s.name, u.kind, u.speaker, u.date, u.role, u.startTime, u.endTime,
                   u.attributes
            \(units) WHERE \(condition) ORDER BY s.id, u.ordinal
            """, arguments: arguments)
        var textRows = try FieldCursor(
          db,
          sql: """
            SELECT u.id, t.field, t.text \(texts)
            WHERE \(condition) ORDER BY s.id, u.ordinal, t.position
            """, arguments: arguments)
        var codingRows =
          withCodings
          ? try CodingCursor(
            Self.codingStatement(db, relation: nil, condition: condition),
            arguments: arguments) : nil
        while let row = try unitRows.next() {
          let id: String = row[0]
          try body(
            pass,
            ExportedUnit(
              id: id, source: row[1], kind: row[2], speaker: row[3],
              role: row[5], startTime: row[6], endTime: row[7], date: row[4],
              texts: try textRows.fields(of: id),
              attributes: try unpackedAttributes(row[8], of: id).map {
                .init(name: $0.name, value: $0.value)
              }),
            try codingRows?.codings(of: id) ?? [])
        }
      }
    }
  }

  /// The attributes packed in `packed`, the attributes of unit `id`.
  ///
  /// - Throws: `StoreError` when they are malformed.
  func unpackedAttributes(_ packed: String?, of id: String) throws
    -> [(name: String, value: String)]
  {
    guard let attributes = PackedAttributes.unpack(packed) else {
      throw malformedAttributes(of: id)
    }
    return attributes
  }

  /// The error of a unit whose packed attributes are malformed.
  func malformedAttributes(of id: String) -> StoreError {
    Self.malformedAttributes(of: id, path: path)
  }

  /// The error of a unit whose packed attributes are malformed, in the
  /// database at `path`.
  static func malformedAttributes(of id: String, path: String) -> StoreError {
    .sqlite(
      path: path,
      message:
        "unit \(id) has malformed packed attributes; run `qda purge --source` on its source and import it again"
    )
  }

  /// The distinct names of the attributes packed in a query's second
  /// column (its first the unit's id), in the order first met.
  private func attributeNamesInOrder(
    _ db: Database, sql: String, arguments: StatementArguments
  ) throws -> [String] {
    var names: [String] = []
    var seen = Set<String>()
    var last: String?
    let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
    while let row = try rows.next() {
      let packed: String? = row[1]
      // Units of one source mostly have the same attributes.
      guard packed != last else { continue }
      last = packed
      for (name, _) in try unpackedAttributes(packed, of: row[0])
      where seen.insert(name).inserted {
        names.append(name)
      }
    }
    return names
  }

  /// The distinct values of a query's first column, in the order first met.
  private static func namesInOrder(
    _ db: Database, sql: String, arguments: StatementArguments
  ) throws -> [String] {
    var names: [String] = []
    var seen = Set<String>()
    let rows = try String.fetchCursor(db, sql: sql, arguments: arguments)
    while let name = try rows.next() {
      if seen.insert(name).inserted { names.append(name) }
    }
    return names
  }

  /// The codings of units in scope (of one coder, when given), ordered by
  /// unit, then code in codebook order, then coder.
  public func exportedCodings(coder: CoderSelection?, filter: UnitFilter) throws
    -> [ExportedCoding]
  {
    var codings: [ExportedCoding] = []
    try exportCodings(coder: coder, filter: filter) { _, coding in
      codings.append(coding)
    }
    return codings
  }

  /// Calls `body` with each coding of units in scope (of one coder, when
  /// given), ordered by unit, then code in codebook order, then coder,
  /// without holding them.
  ///
  /// - Parameters:
  ///   - coder: Whose codings; `nil`: everyone's.
  ///   - filter: The units in scope.
  ///   - passes: How many times to read the codings, all from one snapshot.
  ///   - body: Called with the pass (from 0) and each coding.
  /// - Throws: What `body` throws, or `StoreError`.
  public func exportCodings(
    coder: CoderSelection?, filter: UnitFilter, passes: Int = 1,
    _ body: (_ pass: Int, _ coding: ExportedCoding) throws -> Void
  ) throws {
    let (condition, filterArguments) = filter.sql
    let relation = coder?.relation
    let arguments = (relation?.arguments ?? []) + filterArguments
    try read { db in
      let statement = try Self.codingStatement(
        db, relation: relation?.sql, condition: condition)
      statement.arguments = arguments
      for pass in 0..<passes {
        let rows = try Row.fetchCursor(statement)
        while let row = try rows.next() {
          try body(pass, ExportedCoding(row))
        }
      }
    }
  }

  /// The codings of units that meet `condition` (on unit `u` and source
  /// `s`), from `relation` (every coding when `nil`), ordered by unit, then
  /// code in codebook order, then coder.
  private static func codingStatement(
    _ db: Database, relation: String?, condition: String
  ) throws -> Statement {
    try db.makeStatement(
      sql: """
        SELECT c.unitId, c.code, c.coder, c.rule, r.codebookHash, c.field, c.spanStart,
               c.spanEnd, c.memo
        FROM \(relation ?? Store.everyCodingSQL) c
        LEFT JOIN codingRun r ON r.id = c.runId
        JOIN unit u ON u.id = c.unitId
        JOIN source s ON s.id = u.sourceId
        LEFT JOIN code k ON k.id = c.code
          AND k.codebookHash = (SELECT hash FROM codebook ORDER BY appliedSequence DESC LIMIT 1)
        WHERE \(condition)
        ORDER BY s.id, u.ordinal, k.position IS NULL, k.position, c.code, c.coder
        """)
  }
}

extension ExportedCoding {
  /// A row of `codingStatement`.
  fileprivate init(_ row: Row) {
    self.init(
      unit: row[0], code: row[1], coder: row[2], rule: row[3],
      codebookHash: row[4], field: row[5], spanStart: row[6], spanEnd: row[7],
      memo: row[8])
  }
}

/// Codings in unit order, taken unit by unit.
private struct CodingCursor {
  private let rows: RowCursor
  /// The coding read ahead: the first not yet taken.
  private var next: ExportedCoding?

  init(_ statement: Statement, arguments: StatementArguments) throws {
    statement.arguments = arguments
    rows = try Row.fetchCursor(statement)
    next = try rows.next().map(ExportedCoding.init)
  }

  /// The codings of `unit`: the ones from here on that belong to it.
  mutating func codings(of unit: String) throws -> [ExportedCoding] {
    var codings: [ExportedCoding] = []
    while let coding = next, coding.unit == unit {
      codings.append(coding)
      next = try rows.next().map(ExportedCoding.init)
    }
    return codings
  }
}

/// Rows of (unit id, name, value) in unit order, taken unit by unit.
private struct FieldCursor {
  private let rows: RowCursor
  /// The row read ahead: the first not yet taken.
  private var next: (unit: String, field: ExportedUnit.Field)?

  init(_ db: Database, sql: String, arguments: StatementArguments) throws {
    rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
    try advance()
  }

  /// The fields of `unit`: the rows from here on that belong to it.
  mutating func fields(of unit: String) throws -> [ExportedUnit.Field] {
    var fields: [ExportedUnit.Field] = []
    while let (owner, field) = next, owner == unit {
      fields.append(field)
      try advance()
    }
    return fields
  }

  private mutating func advance() throws {
    next = try rows.next().map {
      (unit: $0[0], field: .init(name: $0[1], value: $0[2]))
    }
  }
}
