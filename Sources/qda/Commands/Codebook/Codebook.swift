import ArgumentParser

extension QDA {
  /// `qda codebook`: codebook tools.
  struct Codebook: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Work with theme codebooks.",
      subcommands: [Lint.self])
  }
}
