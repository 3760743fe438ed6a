import ArgumentParser
import QDAReport

extension QDA {
  /// `qda freq`: frequency tables.
  struct Freq: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Count the units coded with each code, theme, month or attribute value.",
      discussion: """
        --by code (the default) gives code, cases, percent of the units in scope, and the \
        code's name; --by theme counts units with any code of a theme; --by month and --by \
        ATTRIBUTE (e.g. channel) cross codes with months or attribute values. Rows follow \
        the codebook applied last.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(help: "Count by code, theme, month or an attribute name.")
    var by: String = "code"

    @Option(help: "Whose codings to count.")
    var coder: String = "auto"

    @Flag(help: "Include codes applied to no unit.")
    var zeros = false

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let table = try FrequencyTable(
          store: store, by: FrequencyDimension(by), coder: coder,
          filter: scope.filter,
          includesZeros: zeros)
        try output.emit(table)
      }
    }
  }
}
