/// Writes a report's rows as they come, in any output format, so that a
/// report of any length is never held whole.
///
/// The output is byte for byte what the format renders from the whole
/// report (``ReportFormat/render(_:)``). The JSON document is an object whose
/// last member holds the rows, or the array of rows itself. The aligned
/// table needs every row's width
/// before its first line: for it the rows are given twice (``passes``), the
/// first time only to be measured.
///
/// ```swift
/// var writer = RowWriter(format: .csv, columns: columns, output: print)
/// for pass in 0..<writer.passes {
///   for row in rows { try writer.add(row, pass: pass) }
/// }
/// try writer.finish()
/// ```
public struct RowWriter {
  /// How many times the rows must be given: 2 for the aligned table.
  public let passes: Int

  /// The columns; set before the first row when they are known only then.
  public var columns: [ReportTable.Column] {
    didSet { layout = TableFormat.Layout(columns) }
  }
  private let format: OutputFormat
  private let jsonMembers: [(String, JSONValue)]
  private let jsonRowsKey: String?
  private let output: (String) throws -> Void
  private var layout: TableFormat.Layout
  private var rowsWritten = 0
  private var isStarted = false

  /// Creates a writer.
  ///
  /// - Parameters:
  ///   - format: The output format.
  ///   - columns: The columns.
  ///   - jsonMembers: The JSON object's members before the rows.
  ///   - jsonRowsKey: The JSON key of the rows; `nil`: the document is the
  ///     array of rows, with no object around it.
  ///   - output: Called with each piece of text, in order.
  public init(
    format: OutputFormat, columns: [ReportTable.Column],
    jsonMembers: [(String, JSONValue)] = [], jsonRowsKey: String? = "rows",
    output: @escaping (String) throws -> Void
  ) {
    self.format = format
    self.columns = columns
    self.jsonMembers = jsonMembers
    self.jsonRowsKey = jsonRowsKey
    self.output = output
    passes = format == .table ? 2 : 1
    layout = TableFormat.Layout(columns)
  }

  /// Adds a row: measured in the first of two passes, written in the last.
  public mutating func add(_ row: [Cell], pass: Int) throws {
    if pass < passes - 1 {
      layout.measure(row.map { TableFormat.flat($0.text) })
      return
    }
    try start()
    switch format {
    case .table:
      try output(layout.line(row.map { TableFormat.flat($0.text) }) + "\n")
    case .csv: try output(CSVFormat.line(row.map(\.text)))
    case .markdown: try output(MarkdownFormat.line(row))
    case .json:
      let object = JSONValue.object(
        zip(columns, row).map { ($0.name, $1.json) })
      try output(
        (rowsWritten == 0 ? "[\n" : ",\n")
          + String(repeating: "  ", count: rowDepth)
          + object.rendered(indent: rowDepth))
    }
    rowsWritten += 1
  }

  /// Writes what follows the last row (and the header, if no row came).
  public mutating func finish() throws {
    try start()
    guard format == .json else { return }
    let close = jsonRowsKey == nil ? "\n" : "\n}\n"
    try output(
      rowsWritten == 0
        ? "[]" + close
        : "\n" + String(repeating: "  ", count: rowDepth - 1) + "]" + close)
  }

  /// How deep the JSON rows are nested: in the array, itself in the object
  /// when there is one.
  private var rowDepth: Int { jsonRowsKey == nil ? 1 : 2 }

  /// Writes what comes before the first row, once.
  private mutating func start() throws {
    guard !isStarted else { return }
    isStarted = true
    switch format {
    case .table: try output(layout.header)
    case .csv: try output(CSVFormat.line(columns.map(\.name)))
    case .markdown: try output(MarkdownFormat.header(columns))
    case .json:
      guard let jsonRowsKey else { return }
      var opening = "{\n"
      for (key, value) in jsonMembers {
        opening +=
          "  " + JSONValue.string(key).rendered(indent: 1) + ": "
          + value.rendered(indent: 1) + ",\n"
      }
      try output(
        opening + "  " + JSONValue.string(jsonRowsKey).rendered(indent: 1)
          + ": ")
    }
  }
}
