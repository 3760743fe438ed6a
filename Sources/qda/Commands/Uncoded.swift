import ArgumentParser
import QDAReport
import QDAStore

extension QDA {
  /// `qda uncoded`: units without codings.
  struct Uncoded: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "uncoded",
      abstract: "List the units without codings (of one coder, or of anyone).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(help: "Only count this coder's codings.")
    var coder: String?

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        try output.streamUnits(
          from: store, scope.filter,
          without: coder.map(WithoutCodings.by) ?? .byAnyone)
      }
    }
  }
}
