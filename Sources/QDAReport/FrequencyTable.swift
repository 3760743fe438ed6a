import QDAStore

/// What a frequency table counts per row and column.
public enum FrequencyDimension: Sendable, Equatable {
  /// One row per code: units and percent of units in scope.
  case code
  /// One row per theme: units with any code of the theme.
  case theme
  /// Codes × months of the unit date.
  case month
  /// Codes × values of a unit attribute (e.g. `channel`).
  case attribute(String)
  /// Codes × speakers of turns.
  case speaker
  /// Codes × roles of turns' speakers.
  case role

  /// Parses a `--by` value: `code`, `theme`, `month` or an attribute name.
  public init(_ name: String) {
    switch name {
    case "code": self = .code
    case "theme": self = .theme
    case "month": self = .month
    case "speaker": self = .speaker
    case "role": self = .role
    default: self = .attribute(name)
    }
  }

  /// The `--by` name.
  public var name: String {
    switch self {
    case .code: return "code"
    case .theme: return "theme"
    case .month: return "month"
    case .speaker: return "speaker"
    case .role: return "role"
    case .attribute(let name): return name
    }
  }
}

/// A frequency table: how many units each code (or theme) was applied to.
///
/// Rows follow codebook order (codes of the codebook applied last, then any
/// other codes by id). Percentages are of the units in scope, to one decimal,
/// rounded half up. Codes applied to no unit are left out unless
/// `includesZeros` is set.
///
/// ```swift
/// let table = try FrequencyTable(store: store, by: .code, coder: "auto")
/// print(OutputFormat.csv.render(table))   // code,cases,percent,name …
/// ```
public struct FrequencyTable: Report {
  /// One row: a code or theme with its counts.
  public struct Row: Sendable, Equatable {
    /// The qualified code id, or the theme id.
    public var key: String
    /// The code's or theme's name (empty for codes the codebook lacks).
    public var name: String
    /// Units per column group (month or attribute value), in column order.
    public var counts: [Int]
    /// Units coded in all groups together.
    public var total: Int
  }

  /// What the table counts by.
  public var dimension: FrequencyDimension
  /// Whose codings are counted.
  public var coder: String
  /// How many units are in scope.
  public var units: Int
  /// The column groups (months, attribute values) for crossed tables.
  public var groups: [String]
  /// Units in scope per group.
  public var unitsPerGroup: [Int]
  /// Whether documents (sources), not units, are counted: how many
  /// informants named a code rather than how many turns.
  public var countsDocuments: Bool
  /// The rows.
  public var rows: [Row]

  /// The label of units that lack a date or an attribute.
  public static let missingGroup = "(none)"

  /// Computes a frequency table from the store.
  ///
  /// - Parameters:
  ///   - store: The database.
  ///   - dimension: What to count by.
  ///   - coder: Whose codings count.
  ///   - filter: Which units are in scope.
  ///   - includesZeros: Whether codes applied to no unit get a row.
  ///   - countsDocuments: Whether to count documents rather than units.
  /// - Throws: `StoreError` when the database cannot be read.
  public init(
    store: Store, by dimension: FrequencyDimension, coder: CoderSelection,
    filter: UnitFilter = .init(), includesZeros: Bool = false,
    countsDocuments: Bool = false
  ) throws {
    let grouping: UnitGrouping
    switch dimension {
    case .code, .theme: grouping = .none
    case .month: grouping = .month
    case .attribute(let name): grouping = .attribute(name)
    case .speaker: grouping = .speaker
    case .role: grouping = .role
    }
    self.init(
      dimension: dimension, coder: coder.description,
      codes: try store.currentCodes(),
      unitCounts: try store.unitCounts(
        filter, grouping: grouping, countsDocuments: countsDocuments),
      coded: try store.codedCounts(
        coder: coder, filter: filter, grouping: grouping,
        byTheme: dimension == .theme, countsDocuments: countsDocuments),
      includesZeros: includesZeros, countsDocuments: countsDocuments)
  }

  /// Makes a frequency table of counts made elsewhere.
  ///
  /// - Parameters:
  ///   - dimension: What the counts are by.
  ///   - coder: Whose codings were counted.
  ///   - codes: The current codebook's codes, for row order and names.
  ///   - unitCounts: Units in scope per group (one count, ungrouped).
  ///   - coded: Units per code (or theme) and group.
  ///   - includesZeros: Whether codes applied to no unit get a row.
  ///   - countsDocuments: Whether the counts are of documents.
  public init(
    dimension: FrequencyDimension, coder: String, codes: [StoredCode],
    unitCounts: [GroupCount], coded: [GroupCount], includesZeros: Bool = false,
    countsDocuments: Bool = false
  ) {
    self.dimension = dimension
    self.countsDocuments = countsDocuments
    self.coder = coder
    let grouped: Bool
    switch dimension {
    case .code, .theme: grouped = false
    default: grouped = true
    }
    units = unitCounts.reduce(0) { $0 + $1.units }
    if !grouped {
      groups = []
      unitsPerGroup = []
    } else {
      // Named groups in order, then units without a value.
      let named = unitCounts.filter { $0.group != nil }.sorted {
        ($0.group ?? "") < ($1.group ?? "")
      }
      let sorted = named + unitCounts.filter { $0.group == nil }
      groups = sorted.map { $0.group ?? Self.missingGroup }
      unitsPerGroup = sorted.map { $0.units }
    }
    var keys: [(key: String, name: String)]
    if dimension == .theme {
      var seen = Set<String>()
      keys = codes.compactMap {
        seen.insert($0.theme).inserted ? ($0.theme, $0.themeName) : nil
      }
    } else {
      keys = codes.map { ($0.id, $0.name) }
    }
    let known = Set(keys.map(\.key))
    let extra = Set(coded.compactMap(\.key)).subtracting(known).sorted()
    keys += extra.map { ($0, "") }
    let groupIndex = Dictionary(
      uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
    var countsByKey: [String: [Int]] = [:]
    var totalsByKey: [String: Int] = [:]
    for count in coded {
      guard let key = count.key else { continue }
      totalsByKey[key, default: 0] += count.units
      if !groups.isEmpty,
        let index = groupIndex[count.group ?? Self.missingGroup]
      {
        countsByKey[key, default: Array(repeating: 0, count: groups.count)][
          index] += count.units
      }
    }
    let groupCount = groups.count
    rows = keys.compactMap { key, name in
      let total = totalsByKey[key] ?? 0
      guard total > 0 || includesZeros else { return nil }
      return Row(
        key: key, name: name,
        counts: countsByKey[key] ?? Array(repeating: 0, count: groupCount),
        total: total)
    }
  }

  // MARK: - Report

  /// The label of the totals row.
  private var totalLabel: String { countsDocuments ? "(documents)" : "(units)" }

  public var table: ReportTable {
    switch dimension {
    case .code, .theme:
      let keyName = dimension == .code ? "code" : "theme"
      return ReportTable(
        columns: [
          .init(keyName),
          .init(countsDocuments ? "documents" : "cases", isNumeric: true),
          .init("percent", isNumeric: true),
          .init("name"),
        ],
        rows: rows.map {
          [
            .text($0.key), .integer($0.total),
            Cell.percent($0.total, of: units), .text($0.name),
          ]
        },
        footer: [[.text(totalLabel), .integer(units), .null, .null]])
    case .month, .attribute, .speaker, .role:
      return ReportTable(
        columns: [.init("code")] + groups.map { .init($0, isNumeric: true) }
          + [.init("total", isNumeric: true)],
        rows: rows.map { row in
          [.text(row.key)] + row.counts.map(Cell.integer) + [
            .integer(row.total)
          ]
        },
        footer: [
          [.text(totalLabel)] + unitsPerGroup.map(Cell.integer) + [
            .integer(units)
          ]
        ])
    }
  }

  public var json: JSONValue {
    var members: [(String, JSONValue)] = [
      ("by", .string(dimension.name)), ("coder", .string(coder)),
      ("unit", .string(countsDocuments ? "document" : "unit")),
      ("units", .integer(units)),
    ]
    switch dimension {
    case .code, .theme:
      let keyName = dimension == .code ? "code" : "theme"
      members.append(
        (
          "rows",
          .array(
            rows.map {
              .object([
                (keyName, .string($0.key)), ("name", .string($0.name)),
                (countsDocuments ? "documents" : "cases", .integer($0.total)),
                ("percent", Cell.percent($0.total, of: units).json),
              ])
            })
        ))
    case .month, .attribute, .speaker, .role:
      members.append(
        (
          "groups",
          .object(zip(groups, unitsPerGroup).map { ($0, .integer($1)) })
        ))
      members.append(
        (
          "rows",
          .array(
            rows.map { row in
              .object([
                ("code", .string(row.key)), ("name", .string(row.name)),
                (
                  "counts",
                  .object(zip(groups, row.counts).map { ($0, .integer($1)) })
                ),
                ("total", .integer(row.total)),
              ])
            })
        ))
    }
    return .object(members)
  }
}
