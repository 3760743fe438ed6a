import ArgumentParser
import QDAExchange
import QDAStore

extension QDA.Import {
  /// `qda import qdpx FILE`: a REFI-QDA project from qda or another tool.
  struct Qdpx: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "qdpx",
      abstract:
        "Import a REFI-QDA project (.qdpx): its codebook, text sources and codings.",
      discussion: """
        Codable codes become codes (theme.code, the parent code being the theme); each text \
        source becomes a source whose units are its blocks (qda's own [UNIT-ID] blocks keep \
        their ids); each coding is kept for the user who made it, as that coder. All in one \
        transaction: a project that fails changes nothing.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Argument(help: "The .qdpx file (or an unzipped project folder).")
    var file: String

    func run() throws {
      try reportingFailures {
        let project = try REFIImport.read(path: file)
        let summaries = try database.write { store in
          try store.importProject(
            sources: project.sources, codebook: project.codebook,
            codings: project.codings)
        }
        let units = summaries.reduce(0) {
          $0 + $1.added + $1.changed + $1.unchanged
        }
        let coders = Set(project.codings.map(\.coder)).sorted()
        logging.say(
          "imported '\(project.name)': \(plural(summaries.count, "source")), \(plural(units, "unit")), "
            + "\(plural(project.codebook.codes.count, "code")), \(plural(project.codings.count, "coding")) "
            + "by \(coders.isEmpty ? "nobody" : coders.joined(separator: ", "))"
        )
      }
    }
  }
}
