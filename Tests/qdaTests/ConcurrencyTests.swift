import Foundation
import QDATestSupport
import Testing

/// Two processes writing one database wait for each other: an import of
/// 8,000 cases runs while a coder adds codings one process at a time.
@Suite struct ConcurrencyTests {
  @Test func writersWaitForEachOtherAndNothingIsLost() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    func qda(_ arguments: [String]) throws -> CommandResult {
      try CommandRunner.qda(arguments, in: directory.url)
    }
    let samples = TestPaths.package("Samples/work-reports.csv").path
    let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
    #expect(try qda(["import", "reports", samples]).status == 0)
    #expect(try qda(["code", "auto", "--codebook", codebook]).status == 0)
    let big = try directory.write(
      "big.csv", SyntheticReports.csv(cases: 8_000, prefix: "B"))
    let importer = Background {
      try CommandRunner.qda(["import", "reports", big], in: directory.url)
    }
    var results: [CommandResult] = []
    for number in 1...40 {
      let unit = String(format: "C%03d", number)
      results.append(
        try qda(["code", "add", unit, "hybrid.overdose", "--coder", "kim"]))
    }
    let imported = try importer.result()
    #expect(imported.status == 0, "\(imported.stderr)")
    for result in results + [imported] {
      #expect(result.status == 0, "\(result.stderr)")
      #expect(!result.stderr.contains("locked"), "\(result.stderr)")
    }
    let codings = try qda(["export", "codings", "--format", "csv"])
    let kim = codings.stdout.split(separator: "\n").filter {
      $0.contains(",kim,")
    }
    #expect(kim.count == 40)
    let units = try qda(["export", "units", "--format", "csv"])
    let ids = units.stdout.split(separator: "\n").compactMap {
      $0.split(separator: ",", maxSplits: 1).first
    }
    #expect(
      ids.filter { $0.hasPrefix("B") && Int($0.dropFirst()) != nil }.count
        == 8_000)
  }
}

/// Runs a command on another thread; `result()` waits for it.
final class Background: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private var outcome: Result<CommandResult, Error>?

  init(_ body: @escaping @Sendable () throws -> CommandResult) {
    Thread { [self] in
      outcome = Result { try body() }
      done.signal()
    }.start()
  }

  func result() throws -> CommandResult {
    done.wait()
    guard let outcome else { throw CancellationError() }
    return try outcome.get()
  }
}

/// Synthetic work reports in the samples' columns, for tests that need
/// many of them.
enum SyntheticReports {
  static func csv(cases: Int, prefix: String) -> String {
    let requests = [
      "Asks where the bus stands on Sunday.",
      "Просит тест на ВИЧ и спрашивает про \"PrEP\".",
      "Vein in the arm is swollen and red, asks what to do.",
      "Хочет поговорить, тревожно, не спит третью ночь.",
    ]
    var lines = ["case_id,date,channel,request,services"]
    lines.reserveCapacity(cases + 1)
    for number in 0..<cases {
      let request = requests[number % requests.count]
      let quoted =
        "\"" + request.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      lines.append(
        "\(prefix)\(number),2020-0\(number % 9 + 1)-1\(number % 10),group chat,\(quoted),Answered case \(number)."
      )
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
