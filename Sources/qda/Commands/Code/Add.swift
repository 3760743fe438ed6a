import ArgumentParser
import QDAStore

extension QDA.Code {
  /// `qda code add UNIT CODE --coder NAME`: one manual coding.
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Code a unit by hand.",
      discussion: """
        The code must be one of the codebook applied last (theme.code). An unknown unit or \
        code fails with exit status 65 and writes nothing. Adding a coding that exists \
        replaces its memo.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Argument(help: "The unit id, such as C017 or worker-3:12.")
    var unit: String

    @Argument(help: "The code, as theme.code.")
    var code: String

    @Option(help: "The coder's name.")
    var coder: String

    @Option(help: "A memo about this coding.")
    var memo: String?

    func validate() throws { try validateManualCoder(coder) }

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let added = try store.addCodings(
          [ManualCoding(unit: unit, code: code, memo: memo)], coder: coder)
        logging.say(
          added == 1
            ? "coded '\(unit)' with '\(code)' as '\(coder)'"
            : "'\(unit)' already had '\(code)' by '\(coder)'; memo updated")
      }
    }
  }
}

/// Manual coders must not pose as the rules.
func validateManualCoder(_ coder: String) throws {
  if coder == "auto" || coder == "consensus" {
    throw ValidationError(
      "'\(coder)' is reserved; give the coder's own name with --coder.")
  }
  if coder.trimmingCharacters(in: .whitespaces).isEmpty {
    throw ValidationError("--coder needs a name.")
  }
}
