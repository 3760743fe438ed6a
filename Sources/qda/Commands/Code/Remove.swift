import ArgumentParser
import QDAStore

extension QDA.Code {
  /// `qda code remove UNIT CODE --coder NAME`: removes one manual coding.
  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove",
      abstract: "Remove a coding a coder made by hand.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Argument(help: "The unit id.")
    var unit: String

    @Argument(help: "The code, as theme.code.")
    var code: String

    @Option(help: "The coder's name.")
    var coder: String

    func validate() throws { try validateManualCoder(coder) }

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        try store.removeCoding(unit: unit, code: code, coder: coder)
        logging.say("removed '\(code)' from '\(unit)' for '\(coder)'")
      }
    }
  }
}
