/// Pretty-printed JSON, keys in a fixed order, two-space indentation.
public struct JSONFormat: ReportFormat {
  public static let identifier = "json"

  /// Creates the format.
  public init() {}

  public func render(_ report: any Report) -> String { report.json.rendered() }
}
