/// A way to write a report as text.
public protocol ReportFormat: Sendable {
  /// The stable name used by `--format`.
  static var identifier: String { get }
  /// Renders a report.
  func render(_ report: any Report) -> String
}

/// The output formats, by their `--format` names.
public enum OutputFormat: String, CaseIterable, Sendable {
  /// Aligned columns for a terminal.
  case table
  /// RFC 4180 CSV with a header line.
  case csv
  /// Pretty-printed JSON.
  case json
  /// A GitHub-flavoured Markdown table.
  case markdown

  /// The renderer of this format.
  public var renderer: any ReportFormat {
    switch self {
    case .table: return TableFormat()
    case .csv: return CSVFormat()
    case .json: return JSONFormat()
    case .markdown: return MarkdownFormat()
    }
  }

  /// Renders a report in this format.
  public func render(_ report: any Report) -> String { renderer.render(report) }
}
