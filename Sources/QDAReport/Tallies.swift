import QDAStore

/// Every frequency table in one tidy table: `dimension,value,code,cases,percent`.
///
/// Dimensions: `code` and `theme` (value `all`), `month`, `speaker` and `role`
/// when there are turns, and every unit attribute. Percent is of the units in
/// scope that have that value, to one decimal.
public struct Tallies: Report {
  /// One tally.
  public struct Row: Sendable, Equatable {
    /// The dimension: code, theme, month, speaker, role, or an attribute name.
    public var dimension: String
    /// The value of the dimension (`all` for code and theme).
    public var value: String
    /// The code (or theme).
    public var code: String
    /// Units coded.
    public var cases: Int
    /// Units in scope with that value.
    public var units: Int
  }

  /// Whose codings.
  public var coder: String
  /// The rows.
  public var rows: [Row]

  /// Computes every table.
  ///
  /// - Throws: `StoreError`.
  public init(
    store: Store, coder: CoderSelection = "auto", filter: UnitFilter = .init()
  ) throws {
    self.coder = coder.description
    // What the units have, without reading them all.
    let shape = try store.exportedUnitShape(filter)
    var dimensions: [FrequencyDimension] = [.code, .theme, .month]
    if shape.hasSpeakers { dimensions += [.speaker, .role] }
    dimensions += shape.attributes.map(FrequencyDimension.attribute)
    var rows: [Row] = []
    for dimension in dimensions {
      let table = try FrequencyTable(
        store: store, by: dimension, coder: coder, filter: filter)
      switch dimension {
      case .code, .theme:
        rows += table.rows.map {
          Row(
            dimension: dimension.name, value: "all", code: $0.key,
            cases: $0.total, units: table.units)
        }
      default:
        for row in table.rows {
          for (index, group) in table.groups.enumerated() {
            rows.append(
              Row(
                dimension: dimension.name, value: group, code: row.key,
                cases: row.counts[index],
                units: table.unitsPerGroup[index]))
          }
        }
      }
    }
    self.rows = rows
  }

  public var table: ReportTable {
    ReportTable(
      columns: [
        .init("dimension"), .init("value"), .init("code"),
        .init("cases", isNumeric: true),
        .init("percent", isNumeric: true),
      ],
      rows: rows.map {
        [
          .text($0.dimension), .text($0.value), .text($0.code),
          .integer($0.cases), Cell.percent($0.cases, of: $0.units),
        ]
      })
  }

  public var json: JSONValue {
    .object([("coder", .string(coder)), ("tallies", table.jsonRows)])
  }
}
