import ArgumentParser

extension QDA {
  /// `qda export`: exports.
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Export units or codings.",
      subcommands: [
        Units.self, Codings.self, Tallies.self, Qdc.self, Qdpx.self,
      ])
  }
}
