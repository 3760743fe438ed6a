import ArgumentParser
import QDAReport
import QDAStore

extension QDA {
  /// `qda freq`: frequency tables.
  struct Freq: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "freq",
      abstract:
        "Count the units coded with each code, theme, month or attribute value.",
      discussion: """
        --by code (the default) gives code, cases, percent of the units in scope, and the \
        code's name; --by theme counts units with any code of a theme; --by month, --by speaker, \
        --by role and --by ATTRIBUTE (e.g. channel) cross codes with months, speakers, \
        roles or attribute values. --unit document counts documents (informants) instead \
        of units. Rows follow the codebook applied last.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(help: "Count by code, theme, month or an attribute name.")
    var by: String = "code"

    @Option(help: "Whose codings to count.")
    var coder: String = "auto"

    @Option(
      help:
        "The coders of the consensus, comma-separated (default: all but auto).")
    var coders: String?

    @Flag(help: "Include codes applied to no unit.")
    var zeros = false

    @Option(
      help: "What to count: unit (cases or turns) or document (informants).")
    var unit: CountedUnit = .unit

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let table = try FrequencyTable(
          store: store, by: FrequencyDimension(by),
          coder: CoderSelection.named(coder, coders: coders, store: store),
          filter: scope.filter,
          includesZeros: zeros, countsDocuments: unit == .document)
        try output.emit(table)
      }
    }
  }
}

/// What `qda freq` counts.
enum CountedUnit: String, ExpressibleByArgument, CaseIterable {
  /// Units: cases or turns.
  case unit
  /// Documents: a transcript or a report file.
  case document
}
