import ArgumentParser

extension QDA {
  /// `qda import`: the group of importers.
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Import data files into the database.",
      subcommands: [Reports.self, Transcript.self, Telegram.self, Qdpx.self])
  }
}
