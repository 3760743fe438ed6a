import ArgumentParser

extension QDA {
  /// `qda code`: coding commands.
  struct Code: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Code units.",
      subcommands: [Auto.self])
  }
}
