import ArgumentParser
import Foundation
import QDAImport
import QDAProject
import QDAStore

extension QDA.Code {
  /// `qda code import FILE.csv --coder NAME`: bulk manual codings.
  struct ImportCodings: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract:
        "Import one coder's codings from a CSV file with header unit,code[,memo].",
      discussion: """
        All or nothing: any unknown unit or code, or a malformed row, fails the whole file \
        with every problem listed as FILE:LINE: error: …, and nothing is written.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "The coder's name.")
    var coder: String

    func validate() throws { try validateManualCoder(coder) }

    func run() throws {
      try reportingFailures {
        let codings = try ManualCodingFile.read(file)
        let store = try database.openForReading()
        defer { store.close() }
        let added = try store.addCodings(codings, coder: coder, path: file)
        logging.say(
          "imported \(plural(codings.count, "coding")) for '\(coder)' (\(added) new)"
        )
      }
    }

  }
}
