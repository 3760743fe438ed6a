import ArgumentParser

extension QDA {
  /// `qda code`: coding commands.
  struct Code: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "code",
      abstract: "Code units.",
      subcommands: [
        Auto.self, Add.self, Remove.self, ImportCodings.self, List.self,
        Review.self,
      ])
  }
}
