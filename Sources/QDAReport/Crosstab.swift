import QDAStore

/// Codes crossed with months, an attribute's values, or coders: counts with
/// row and column percentages, as a tidy table (one row per code and column
/// value).
///
/// The count is the number of units coded with the code in that column. Row %
/// is its share of the code's total across the columns; column % is its share
/// of the units in scope that fall in the column (for coders: of all units in
/// scope). Percentages have one decimal.
public struct Crosstab: Report {
  /// What the columns are.
  public enum Columns: Sendable, Equatable {
    /// Months of the unit date.
    case month
    /// Values of a unit attribute (or `speaker`, `role`).
    case attribute(String)
    /// Coders.
    case coder([String])

    /// The column header.
    var name: String {
      switch self {
      case .month: return "month"
      case .attribute(let name): return name
      case .coder: return "coder"
      }
    }
  }

  /// One cell.
  public struct Entry: Sendable, Equatable {
    /// The code.
    public var code: String
    /// The column value.
    public var column: String
    /// Units coded.
    public var count: Int
    /// The code's total over all columns.
    public var rowTotal: Int
    /// Units in scope in the column.
    public var columnTotal: Int
  }

  /// The columns.
  public var columns: Columns
  /// Whose codings, for month and attribute columns.
  public var coder: String
  /// The cells, by code (codebook order), then column.
  public var entries: [Entry]

  /// Computes a crosstab.
  ///
  /// - Throws: `StoreError`.
  public init(
    store: Store, columns: Columns, coder: CoderSelection = "auto",
    filter: UnitFilter = .init()
  ) throws {
    // Counted by SQLite (grouped, indexed queries): memory does not grow
    // with the number of units.
    let order = try store.currentCodes().map(\.id)
    switch columns {
    case .coder(let coders):
      let units = try store.unitCounts(filter).reduce(0) { $0 + $1.units }
      var coded: [GroupCount] = []
      for name in coders {
        coded += try store.codedCounts(coder: .coder(name), filter: filter).map
        {
          GroupCount(key: $0.key, group: name, units: $0.units)
        }
      }
      self.init(
        columns: columns, coder: coder.description, order: order,
        unitCounts: coders.map {
          GroupCount(key: nil, group: $0, units: units)
        },
        coded: coded)
    default:
      let grouping: UnitGrouping
      switch columns {
      case .month: grouping = .month
      case .attribute("speaker"): grouping = .speaker
      case .attribute("role"): grouping = .role
      case .attribute(let name): grouping = .attribute(name)
      case .coder: grouping = .none
      }
      self.init(
        columns: columns, coder: coder.description, order: order,
        unitCounts: try store.unitCounts(filter, grouping: grouping),
        coded: try store.codedCounts(
          coder: coder, filter: filter, grouping: grouping))
    }
  }

  /// Makes a crosstab of counts made elsewhere.
  ///
  /// - Parameters:
  ///   - columns: What the columns are.
  ///   - coder: Whose codings were counted.
  ///   - order: The current codebook's code ids, for row order.
  ///   - unitCounts: Units in scope per column value (`nil`: missing);
  ///     for coder columns, in the coders' order.
  ///   - coded: Units per code and column value.
  public init(
    columns: Columns, coder: String, order: [String], unitCounts: [GroupCount],
    coded: [GroupCount]
  ) {
    self.columns = columns
    self.coder = coder
    let missing = FrequencyTable.missingGroup
    var counts: [String: [String: Int]] = [:]
    var columnTotals: [String: Int] = [:]
    for count in unitCounts {
      columnTotals[count.group ?? missing, default: 0] += count.units
    }
    let columnOrder: [String]
    if case .coder(let coders) = columns {
      columnOrder = coders
    } else {
      let named = columnTotals.keys.filter { $0 != missing }.sorted()
      columnOrder = named + (columnTotals[missing] != nil ? [missing] : [])
    }
    for count in coded {
      counts[count.key ?? "", default: [:]][
        count.group ?? missing, default: 0] +=
        count.units
    }
    let codes =
      order.filter { counts[$0] != nil }
      + counts.keys.filter { !order.contains($0) }.sorted()
    entries = codes.flatMap { code in
      let row = counts[code] ?? [:]
      let total = row.values.reduce(0, +)
      return columnOrder.map { column in
        Entry(
          code: code, column: column, count: row[column] ?? 0, rowTotal: total,
          columnTotal: columnTotals[column] ?? 0)
      }
    }
  }

  public var table: ReportTable {
    ReportTable(
      columns: [
        .init("code"), .init(columns.name), .init("count", isNumeric: true),
        .init("row_percent", isNumeric: true),
        .init("column_percent", isNumeric: true),
      ],
      rows: entries.map {
        [
          .text($0.code), .text($0.column), .integer($0.count),
          Cell.percent($0.count, of: $0.rowTotal),
          Cell.percent($0.count, of: $0.columnTotal),
        ]
      })
  }

  public var json: JSONValue {
    .object([
      ("rows", .string("code")), ("columns", .string(columns.name)),
      ("coder", .string(coder)),
      ("cells", table.jsonRows),
    ])
  }
}

/// How often two codes are applied to the same unit: counts and Jaccard
/// similarity (units with both ÷ units with either), for every pair of codes
/// that co-occur at least once, in codebook order.
public struct Cooccurrence: Report {
  /// One pair of codes.
  public struct Pair: Sendable, Equatable {
    /// The first code (earlier in codebook order).
    public var first: String
    /// The second code.
    public var second: String
    /// Units with both codes.
    public var both: Int
    /// Units with either code.
    public var either: Int

    /// Both ÷ either.
    public var jaccard: Double? {
      either == 0 ? nil : Double(both) / Double(either)
    }
  }

  /// Whose codings.
  public var coder: String
  /// The codes in codebook order, with how many units each.
  public var codes: [(code: String, units: Int)]
  /// The pairs that co-occur.
  public var pairs: [Pair]

  /// Computes co-occurrence.
  ///
  /// - Throws: `StoreError`.
  public init(
    store: Store, coder: CoderSelection = "auto", filter: UnitFilter = .init(),
    includesZeros: Bool = false
  ) throws {
    var perCode: [String: Int] = [:]
    for count in try store.codedCounts(coder: coder, filter: filter) {
      perCode[count.key ?? "", default: 0] += count.units
    }
    self.init(
      coder: coder.description, order: try store.currentCodes().map(\.id),
      perCode: perCode,
      pairs: try store.codePairCounts(coder: coder, filter: filter),
      includesZeros: includesZeros)
  }

  /// Makes co-occurrence of counts made elsewhere.
  ///
  /// - Parameters:
  ///   - coder: Whose codings were counted.
  ///   - order: The current codebook's code ids, for order.
  ///   - perCode: Units per code.
  ///   - pairs: Units with both codes, each pair once, in either order.
  ///   - includesZeros: Whether pairs that never co-occur are listed.
  public init(
    coder: String, order: [String], perCode: [String: Int],
    pairs: [(first: String, second: String, units: Int)],
    includesZeros: Bool = false
  ) {
    self.coder = coder
    var together: [String: Int] = [:]
    for pair in pairs {
      together[pair.first + "\u{0}" + pair.second] = pair.units
      together[pair.second + "\u{0}" + pair.first] = pair.units
    }
    let used = Set(perCode.keys)
    let codes = order.filter(used.contains) + used.subtracting(order).sorted()
    self.codes = codes.map { ($0, perCode[$0] ?? 0) }
    var listed: [Pair] = []
    for (i, a) in codes.enumerated() {
      for b in codes[(i + 1)...] {
        let both = together[a + "\u{0}" + b] ?? 0
        guard both > 0 || includesZeros else { continue }
        listed.append(
          Pair(
            first: a, second: b, both: both,
            either: (perCode[a] ?? 0) + (perCode[b] ?? 0) - both))
      }
    }
    self.pairs = listed
  }

  public var table: ReportTable {
    ReportTable(
      columns: [
        .init("code_a"), .init("code_b"), .init("both", isNumeric: true),
        .init("either", isNumeric: true), .init("jaccard", isNumeric: true),
      ],
      rows: pairs.map {
        [
          .text($0.first), .text($0.second), .integer($0.both),
          .integer($0.either), .decimal($0.jaccard),
        ]
      })
  }

  public var json: JSONValue {
    .object([
      ("coder", .string(coder)),
      ("codes", .object(codes.map { ($0.code, .integer($0.units)) })),
      ("pairs", table.jsonRows),
    ])
  }
}
