import ArgumentParser
import QDAReport
import QDAStore

extension QDA {
  /// `qda agree --coders A,B`: inter-coder agreement.
  struct Agree: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "agree",
      abstract: "Measure agreement between coders, per code and overall.",
      discussion: """
        Each code is a present/absent decision per unit, over the units in scope (default: \
        every unit of the kinds all the coders coded; --source and --kind narrow it). Per \
        code: units, percent agreement (a proportion), Cohen's kappa (two coders) or \
        Fleiss' kappa (three or more), Krippendorff's alpha (nominal), and how many units \
        each coder coded. 'overall' pools every unit × code decision. With 'auto' as one \
        of two coders, precision, recall and F1 of the rules against the human coder are \
        added. Undefined values are null in JSON and n/a elsewhere. --disagreements lists \
        the units where the coders differ instead.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var scope: UnitFilterOptions

    @Option(
      help:
        "The coders to compare, comma-separated (two or more; 'auto' is the rules)."
    )
    var coders: String

    @Flag(help: "List the units where the coders' codes differ.")
    var disagreements = false

    var coderList: [String] {
      coders.split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      .filter { !$0.isEmpty }
    }

    func validate() throws {
      guard coderList.count >= 2 else {
        throw ValidationError(
          "--coders needs at least two coders, such as --coders auto,anna.")
      }
      guard Set(coderList).count == coderList.count else {
        throw ValidationError("--coders names a coder twice.")
      }
    }

    func run() throws {
      try reportingFailures {
        let store = try database.openForReading()
        defer { store.close() }
        let known = Set(try store.coders())
        let unknown = coderList.filter { !known.contains($0) }
        if !unknown.isEmpty {
          printError(
            "error: no codings by \(unknown.sorted().map { "'\($0)'" }.joined(separator: ", ")); "
              + "coders in the database: \(known.sorted().map { "'\($0)'" }.joined(separator: ", "))"
          )
          throw ExitCode(ExitStatus.dataError)
        }
        let data = try store.agreementData(
          coders: coderList, filter: scope.filter)
        if disagreements {
          try output.emit(DisagreementReport(data: data))
        } else {
          try output.emit(AgreementReport(data: data))
        }
      }
    }
  }
}
