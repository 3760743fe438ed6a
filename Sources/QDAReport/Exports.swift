import QDAStore

/// The units of a database as a table: `unit,source,kind,speaker,date,text`,
/// then `role,start,end` when there are transcript turns, then one column per
/// text field and attribute.
///
/// `text` joins a unit's text fields with line breaks; the field columns give
/// them one by one (a field named `text` needs no column of its own). Columns
/// of fields and attributes appear in the order they are first met.
public struct UnitExport: Report {
  /// The units, in source and file order.
  public var units: [ExportedUnit]

  /// Creates an export of the units in scope.
  public init(store: Store, filter: UnitFilter = .init()) throws {
    units = try store.exportedUnits(filter)
  }

  /// Creates an export of given units.
  public init(units: [ExportedUnit]) { self.units = units }

  private var extraColumns: (texts: [String], attributes: [String]) {
    var texts: [String] = []
    var attributes: [String] = []
    var seenTexts = Set<String>()
    var seenAttributes = Set<String>()
    for unit in units {
      for field in unit.texts
      where !Self.fixedColumns.contains(field.name)
        && seenTexts.insert(field.name).inserted
      {
        texts.append(field.name)
      }
      for field in unit.attributes
      where seenAttributes.insert(field.name).inserted {
        attributes.append(field.name)
      }
    }
    // An attribute named like a fixed or text column would collide; it keeps
    // a prefix instead.
    let taken = Set(Self.fixedColumns + Self.turnColumns + texts)
    return (
      texts, attributes.map { taken.contains($0) ? "attribute:" + $0 : $0 }
    )
  }

  static let fixedColumns = [
    "unit", "source", "kind", "speaker", "date", "text",
  ]

  /// Columns of transcript turns.
  static let turnColumns = ["role", "start", "end"]

  /// Whether any unit is a turn with a role, so the turn columns are shown.
  private var hasTurns: Bool { units.contains { $0.role != nil } }

  /// Seconds with up to three decimals, as written in transcripts.
  static func seconds(_ value: Double?) -> Cell {
    guard let value else { return .null }
    let milliseconds = Int((value * 1000).rounded())
    let fraction = String(milliseconds % 1000)
    return .text(
      "\(milliseconds / 1000)."
        + String(repeating: "0", count: 3 - fraction.count) + fraction)
  }

  public var table: ReportTable {
    let extra = extraColumns
    let attributeNames = extra.attributes.map {
      $0.hasPrefix("attribute:") ? String($0.dropFirst("attribute:".count)) : $0
    }
    let rows: [[Cell]] = units.map { unit in
      let texts = Dictionary(
        unit.texts.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
      let attributes = Dictionary(
        unit.attributes.map { ($0.name, $0.value) },
        uniquingKeysWith: { a, _ in a })
      var row: [Cell] = [
        .text(unit.id), .text(unit.source), .text(unit.kind),
        unit.speaker.map(Cell.text) ?? .null,
        unit.date.map(Cell.text) ?? .null,
        .text(unit.texts.map(\.value).joined(separator: "\n")),
      ]
      if hasTurns {
        row += [
          unit.role.map(Cell.text) ?? .null, Self.seconds(unit.startTime),
          Self.seconds(unit.endTime),
        ]
      }
      row += extra.texts.map { texts[$0].map(Cell.text) ?? .null }
      row += attributeNames.map { attributes[$0].map(Cell.text) ?? .null }
      return row
    }
    return ReportTable(
      columns: (Self.fixedColumns + (hasTurns ? Self.turnColumns : [])
        + extra.texts
        + extra.attributes).map {
          .init($0)
        }, rows: rows)
  }

  public var json: JSONValue { table.jsonRows }
}

/// The codings of a database as a table: `unit,code,coder,rule,codebook,field,start,end,memo`.
public struct CodingExport: Report {
  /// The codings, by unit, then code in codebook order, then coder.
  public var codings: [ExportedCoding]

  /// Creates an export of the codings in scope, of one coder when given.
  public init(
    store: Store, coder: CoderSelection? = nil, filter: UnitFilter = .init()
  )
    throws
  {
    codings = try store.exportedCodings(coder: coder, filter: filter)
  }

  public var table: ReportTable {
    ReportTable(
      columns: [
        .init("unit"), .init("code"), .init("coder"), .init("rule"),
        .init("codebook"),
        .init("field"), .init("start", isNumeric: true),
        .init("end", isNumeric: true),
        .init("memo"),
      ],
      rows: codings.map { coding in
        [
          .text(coding.unit), .text(coding.code), .text(coding.coder),
          coding.rule.map(Cell.text) ?? .null,
          coding.codebookHash.map(Cell.text) ?? .null,
          coding.field.map(Cell.text) ?? .null,
          coding.spanStart.map(Cell.integer) ?? .null,
          coding.spanEnd.map(Cell.integer) ?? .null,
          coding.memo.map(Cell.text) ?? .null,
        ]
      })
  }

  public var json: JSONValue { table.jsonRows }
}
