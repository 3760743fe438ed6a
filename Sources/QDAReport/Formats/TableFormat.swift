/// Aligned columns for reading in a terminal: numbers right, text left, line
/// breaks inside a cell shown as spaces.
public struct TableFormat: ReportFormat {
  public static let identifier = "table"

  /// Creates the format.
  public init() {}

  public func render(_ report: any Report) -> String {
    let table = report.table
    let rows = (table.rows + table.footer).map { $0.map { Self.flat($0.text) } }
    var layout = Layout(table.columns)
    for row in rows { layout.measure(row) }
    var output = layout.header
    for row in rows.prefix(table.rows.count) {
      output += layout.line(row) + "\n"
    }
    if !table.footer.isEmpty {
      output += layout.rule + "\n"
      for row in rows.dropFirst(table.rows.count) {
        output += layout.line(row) + "\n"
      }
    }
    return output
  }

  /// The columns' widths, measured over every row, and the lines laid out
  /// with them.
  struct Layout {
    let columns: [ReportTable.Column]
    /// The widest cell of each column, header included.
    private(set) var widths: [Int]

    init(_ columns: [ReportTable.Column]) {
      self.columns = columns
      widths = columns.map { TableFormat.width(of: $0.name) }
    }

    /// Widens the columns to fit a row of flat cells.
    mutating func measure(_ cells: [String]) {
      for (index, cell) in cells.enumerated() {
        widths[index] = max(widths[index], TableFormat.width(of: cell))
      }
    }

    /// The header line and the rule under it, each with its line end.
    var header: String { line(columns.map(\.name)) + "\n" + rule + "\n" }

    /// The rule between header, rows and footer.
    var rule: String {
      widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    }

    /// A row of flat cells, padded to the widths; no line end.
    func line(_ cells: [String]) -> String {
      var parts: [String] = []
      for (index, cell) in cells.enumerated() {
        let padding = String(
          repeating: " ", count: widths[index] - TableFormat.width(of: cell))
        let isLast = index == cells.count - 1
        if columns[index].isNumeric {
          parts.append(padding + cell)
        } else {
          parts.append(isLast ? cell : cell + padding)
        }
      }
      var line = parts.joined(separator: "  ")
      while line.last == " " { line.removeLast() }
      return line
    }
  }

  /// The display width: one column per character.
  static func width(of text: String) -> Int { text.count }

  /// A cell on one line: each line break becomes one space.
  static func flat(_ text: String) -> String {
    guard text.contains(where: \.isNewline) else { return text }
    return String(text.map { $0.isNewline ? " " : $0 })
  }
}
