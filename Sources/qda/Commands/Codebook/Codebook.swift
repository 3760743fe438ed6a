import ArgumentParser

extension QDA {
  /// `qda codebook`: codebook tools.
  struct Codebook: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "codebook",
      abstract: "Work with theme codebooks.",
      subcommands: [Lint.self])
  }
}
