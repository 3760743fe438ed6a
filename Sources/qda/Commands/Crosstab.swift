import ArgumentParser
import QDAReport
import QDAStore

extension QDA {
  /// `qda crosstab --rows code --cols month|ATTRIBUTE|coder`.
  struct Crosstab: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "crosstab",
      abstract:
        "Cross codes with months, an attribute's values or coders: counts, row % and column %.",
      discussion: """
        One row per code and column value (a tidy table): count of units coded, row % (the \
        share of the code's total), column % (the share of the column's units in scope). \
        --cols coder compares the coders named with --coders (default: every coder).
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(help: "What the rows are; only 'code'.")
    var rows: String = "code"

    @Option(
      help:
        "What the columns are: month, coder, speaker, role or an attribute name."
    )
    var cols: String

    @Option(help: "Whose codings: a coder, auto, or consensus.")
    var coder: String = "auto"

    @Option(
      help: "The coders: of the consensus, or the columns of --cols coder.")
    var coders: String?

    func validate() throws {
      guard rows == "code" else {
        throw ValidationError("--rows takes 'code'.")
      }
    }

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let columns: QDAReport.Crosstab.Columns
        switch cols {
        case "month": columns = .month
        case "coder":
          let names =
            try coders?.split(separator: ",").map {
              String($0).trimmingCharacters(in: .whitespaces)
            }
            ?? store.coders()
          columns = .coder(names)
        default: columns = .attribute(cols)
        }
        try output.emit(
          try QDAReport.Crosstab(
            store: store, columns: columns,
            coder: cols == "coder"
              ? "auto"
              : CoderSelection.named(coder, coders: coders, store: store),
            filter: scope.filter))
      }
    }
  }

  /// `qda cooccur`: code co-occurrence.
  struct Cooccur: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "cooccur",
      abstract:
        "Count how often codes are applied to the same unit, with Jaccard similarity."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(help: "Whose codings: a coder, auto, or consensus.")
    var coder: String = "auto"

    @Option(help: "The coders of the consensus, comma-separated.")
    var coders: String?

    @Flag(help: "Include pairs of codes that never co-occur.")
    var zeros = false

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        try output.emit(
          try Cooccurrence(
            store: store,
            coder: CoderSelection.named(coder, coders: coders, store: store),
            filter: scope.filter, includesZeros: zeros))
      }
    }
  }
}
