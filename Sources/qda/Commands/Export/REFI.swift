import ArgumentParser
import Foundation
import QDACodebook
import QDAExchange
import QDAStore

/// The codebook of the database: `--codebook`, or the one applied last.
func currentCodebook(_ path: String?, store: Store) throws
  -> QDACodebook.Codebook
{
  if let path { return try QDACodebook.Codebook.load(path: path) }
  guard let current = try store.currentCodebook() else {
    throw StoreError.noCodebook
  }
  return try QDACodebook.Codebook.load(path: current.path)
}

extension QDA.Export {
  /// `qda export qdc`: the codebook as a REFI-QDA codebook.
  struct Qdc: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "qdc",
      abstract:
        "Export the codebook as a REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "The codebook (default: the one applied last).")
    var codebook: String?

    @Option(help: "The .qdc file to write (default: standard output).")
    var output: String?

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let loaded = try currentCodebook(codebook, store: store)
        let text = REFICodebook.document(
          loaded, origin: "qda \(QDAVersion.current)")
        try writeOutput(text, to: output)
      }
    }
  }

  /// `qda export qdpx --output FILE`: the project as a REFI-QDA project.
  struct Qdpx: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "qdpx",
      abstract:
        "Export the project as a REFI-QDA project (.qdpx): coders, codebook, texts, cases, codings."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "The codebook (default: the one applied last).")
    var codebook: String?

    @Option(help: "The project name (default: the codebook's title).")
    var name: String?

    @Option(help: "The .qdpx file to write.")
    var output: String

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let loaded = try currentCodebook(codebook, store: store)
        try REFIProject.export(
          store: store, codebook: loaded, name: name ?? loaded.title,
          to: output,
          origin: "qda \(QDAVersion.current)")
        logging.say("wrote \(output)")
      }
    }
  }
}
