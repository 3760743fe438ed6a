/// A report's rows and columns, ready for a text format.
///
/// Reports are computed as values (``FrequencyTable``, ``UnitExport``) and
/// rendered by a ``ReportFormat``; nothing prints during the computation.
public struct ReportTable: Sendable, Equatable {
  /// A column: its header and how its cells align.
  public struct Column: Sendable, Equatable {
    /// The header text.
    public var name: String
    /// Whether cells align right (numbers) or left (text).
    public var isNumeric: Bool

    /// Creates a column.
    public init(_ name: String, isNumeric: Bool = false) {
      self.name = name
      self.isNumeric = isNumeric
    }
  }

  /// The columns.
  public var columns: [Column]
  /// The rows; each has one cell per column.
  public var rows: [[Cell]]
  /// Rows shown after a rule in terminal and Markdown tables only (totals);
  /// CSV leaves them out so every CSV row is a data row.
  public var footer: [[Cell]] = []

  /// Creates a table.
  public init(columns: [Column], rows: [[Cell]], footer: [[Cell]] = []) {
    self.columns = columns
    self.rows = rows
    self.footer = footer
  }
}

/// One value of a report.
public enum Cell: Sendable, Equatable {
  /// Text.
  case text(String)
  /// A count.
  case integer(Int)
  /// A percentage, as tenths of a percent (322 is 32.2 %), to keep rounding exact.
  case percentTenths(Int)
  /// A statistic with four decimals; `nil` when undefined (`n/a`, JSON `null`).
  case statistic(Double?)
  /// No value.
  case null

  /// The text form used by every text format.
  public var text: String {
    switch self {
    case .text(let text): return text
    case .integer(let value): return String(value)
    case .percentTenths(let tenths): return Self.formatTenths(tenths)
    case .statistic(let value): return value.map(Self.formatDecimal) ?? "n/a"
    case .null: return ""
    }
  }

  /// The JSON form.
  public var json: JSONValue {
    switch self {
    case .text(let text): return .string(text)
    case .integer(let value): return .integer(value)
    case .percentTenths(let tenths): return .number(Self.formatTenths(tenths))
    case .statistic(let value):
      return value.map { .number(Self.formatDecimal($0)) } ?? .null
    case .null: return .null
    }
  }

  /// A statistic cell.
  public static func decimal(_ value: Double?) -> Cell { .statistic(value) }

  /// Four decimals, rounded half away from zero; `-0.0000` is written `0.0000`.
  static func formatDecimal(_ value: Double) -> String {
    let scaled = Int((abs(value) * 10_000).rounded())
    let sign = value < 0 && scaled != 0 ? "-" : ""
    let fraction = String(scaled % 10_000)
    return sign + String(scaled / 10_000) + "."
      + String(repeating: "0", count: 4 - fraction.count) + fraction
  }

  static func formatTenths(_ tenths: Int) -> String {
    let sign = tenths < 0 ? "-" : ""
    let magnitude = abs(tenths)
    return "\(sign)\(magnitude / 10).\(magnitude % 10)"
  }

  /// `part` as a percentage of `whole`, rounded half up to one decimal.
  public static func percent(_ part: Int, of whole: Int) -> Cell {
    guard whole > 0 else { return .null }
    return .percentTenths((part * 1000 * 2 + whole) / (whole * 2))
  }
}

/// Something that can be rendered in every output format.
public protocol Report: Sendable {
  /// The rows and columns for table, CSV and Markdown output.
  var table: ReportTable { get }
  /// The JSON document.
  var json: JSONValue { get }
}

extension ReportTable {
  /// The rows as JSON objects keyed by column name.
  public var jsonRows: JSONValue {
    .array(
      rows.map { row in
        .object(zip(columns, row).map { ($0.name, $1.json) })
      })
  }
}
