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

  /// The text fields and attributes of the units, in the order first met,
  /// and whether any is a turn.
  public var shape: ExportedUnitShape {
    var texts: [String] = []
    var attributes: [String] = []
    var seenTexts = Set<String>()
    var seenAttributes = Set<String>()
    for unit in units {
      for field in unit.texts where seenTexts.insert(field.name).inserted {
        texts.append(field.name)
      }
      for field in unit.attributes
      where seenAttributes.insert(field.name).inserted {
        attributes.append(field.name)
      }
    }
    return ExportedUnitShape(
      textFields: texts, attributes: attributes,
      hasTurns: units.contains { $0.role != nil },
      hasSpeakers: units.contains { $0.speaker != nil })
  }

  /// The columns of an export of units of a given shape, and each unit's
  /// cells in them.
  public struct Layout: Sendable {
    /// The text fields with a column of their own.
    private let texts: [String]
    /// The attributes, by the names they are stored under.
    private let attributes: [String]
    /// The attributes' column names.
    private let attributeColumns: [String]
    private let hasTurns: Bool

    /// The layout for units of `shape`.
    public init(_ shape: ExportedUnitShape) {
      // A field named `text` needs no column of its own; an attribute
      // named like a fixed or text column would collide, and keeps a
      // prefix instead.
      texts = shape.textFields.filter { !UnitExport.fixedColumns.contains($0) }
      attributes = shape.attributes
      let taken = Set(UnitExport.fixedColumns + UnitExport.turnColumns + texts)
      attributeColumns = attributes.map {
        taken.contains($0) ? "attribute:" + $0 : $0
      }
      hasTurns = shape.hasTurns
    }

    /// The columns.
    public var columns: [ReportTable.Column] {
      (UnitExport.fixedColumns + (hasTurns ? UnitExport.turnColumns : [])
        + texts + attributeColumns).map { .init($0) }
    }

    /// A unit's row.
    public func cells(_ unit: ExportedUnit) -> [Cell] {
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
          unit.role.map(Cell.text) ?? .null, UnitExport.seconds(unit.startTime),
          UnitExport.seconds(unit.endTime),
        ]
      }
      row += self.texts.map { texts[$0].map(Cell.text) ?? .null }
      row += self.attributes.map { attributes[$0].map(Cell.text) ?? .null }
      return row
    }
  }

  static let fixedColumns = [
    "unit", "source", "kind", "speaker", "date", "text",
  ]

  /// Columns of transcript turns.
  static let turnColumns = ["role", "start", "end"]

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
    // The shape once: every row has the same columns.
    let layout = Layout(shape)
    return ReportTable(columns: layout.columns, rows: units.map(layout.cells))
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

  /// Creates an export of given codings.
  public init(codings: [ExportedCoding]) { self.codings = codings }

  /// The columns.
  public static let columns: [ReportTable.Column] = [
    .init("unit"), .init("code"), .init("coder"), .init("rule"),
    .init("codebook"), .init("field"), .init("start", isNumeric: true),
    .init("end", isNumeric: true), .init("memo"),
  ]

  /// A coding's row.
  public static func cells(_ coding: ExportedCoding) -> [Cell] {
    [
      .text(coding.unit), .text(coding.code), .text(coding.coder),
      coding.rule.map(Cell.text) ?? .null,
      coding.codebookHash.map(Cell.text) ?? .null,
      coding.field.map(Cell.text) ?? .null,
      coding.spanStart.map(Cell.integer) ?? .null,
      coding.spanEnd.map(Cell.integer) ?? .null,
      coding.memo.map(Cell.text) ?? .null,
    ]
  }

  public var table: ReportTable {
    ReportTable(columns: Self.columns, rows: codings.map(Self.cells))
  }

  public var json: JSONValue { table.jsonRows }
}
