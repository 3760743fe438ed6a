import Foundation
import GRDB
import QDATestSupport
import Testing

/// `qda import reports`, `qda code auto` and `qda run` killed with SIGKILL
/// at spread-out moments: afterwards the database passes SQLite's
/// integrity check and holds either everything the command would have
/// written or nothing of it.
@Suite(.serialized) struct CrashSafetyTests {
  /// What tells a command's effect apart, and whether the file is sound.
  struct State: Equatable, CustomStringConvertible {
    var integrity: String
    var units: Int
    var autoCodings: Int
    var description: String {
      "\(integrity), \(units) units, \(autoCodings) auto"
    }
  }

  static func state(_ path: String) throws -> State {
    // Opening replays a WAL that the killed process left behind.
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { db in
      State(
        integrity: try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "",
        units: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM unit") ?? 0,
        autoCodings: try Int.fetchOne(
          db, sql: "SELECT COUNT(*) FROM coding WHERE coder = 'auto'") ?? 0)
    }
  }

  /// Copies a closed database (no WAL beside it) to `name`.
  static func copy(
    _ source: String, to name: String, in directory: TemporaryDirectory
  )
    throws -> String
  {
    let target = directory.path(name)
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: target + suffix)
    }
    try FileManager.default.copyItem(atPath: source, toPath: target)
    return target
  }

  /// Starts `qda` with the arguments, kills it after `delay` seconds (if it
  /// is still running), and waits for it.
  static func kill(
    _ arguments: [String], after delay: Double, in directory: URL
  ) throws {
    let process = Process()
    process.executableURL = TestPaths.qdaExecutable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    Thread.sleep(forTimeInterval: delay)
    Foundation.kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// Runs a command to its end, timed.
  static func timed(_ arguments: [String], in directory: URL) throws -> Double {
    let start = Date()
    let result = try CommandRunner.qda(arguments, in: directory)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    return Date().timeIntervalSince(start)
  }

  @Test func killedCommandsLeaveAllOrNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let samples = TestPaths.package("Samples/work-reports.csv").path
    let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
    let big = try directory.write(
      "big.csv", SyntheticReports.csv(cases: 8_000, prefix: "B"))
    let base = directory.path("base.sqlite")
    _ = try Self.timed(
      ["import", "reports", samples, "--db", base], in: directory.url)
    _ = try Self.timed(
      ["code", "auto", "--codebook", codebook, "--db", base], in: directory.url)
    let before = try Self.state(base)

    // The whole effects, and how long each command takes here.
    let imported = try Self.copy(base, to: "imported.sqlite", in: directory)
    let importTime = try Self.timed(
      ["import", "reports", big, "--db", imported], in: directory.url)
    let afterImport = try Self.state(imported)
    let coded = try Self.copy(imported, to: "coded.sqlite", in: directory)
    let codeTime = try Self.timed(
      ["code", "auto", "--codebook", codebook, "--force", "--db", coded],
      in: directory.url)
    let afterCode = try Self.state(coded)
    #expect(before.integrity == "ok")
    #expect(afterImport.units == before.units + 8_000)
    #expect(afterCode.autoCodings > before.autoCodings)

    // Moments spread over each command's run, a little past its end too,
    // jittered by a seed printed on failure.
    var seed = UInt64.random(in: 0...UInt64.max)
    let start = seed
    func jitter() -> Double {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return 0.75 + Double(seed >> 11) / Double(1 << 53) / 2
    }
    var kills = 0
    var whole = (import: 0, code: 0)
    for moment in 0..<12 {
      let delay = importTime * 1.1 * (Double(moment) + 0.5) / 12 * jitter()
      let path = try Self.copy(base, to: "kill-import.sqlite", in: directory)
      try Self.kill(
        ["import", "reports", big, "--db", path], after: delay,
        in: directory.url)
      let state = try Self.state(path)
      #expect(
        state == before || state == afterImport,
        "seed \(start), import killed at \(delay) s: \(state)")
      if state == afterImport { whole.import += 1 }
      kills += 1
    }
    for moment in 0..<12 {
      let delay = codeTime * 1.1 * (Double(moment) + 0.5) / 12 * jitter()
      let path = try Self.copy(imported, to: "kill-code.sqlite", in: directory)
      try Self.kill(
        ["code", "auto", "--codebook", codebook, "--force", "--db", path],
        after: delay, in: directory.url)
      let state = try Self.state(path)
      #expect(
        state == afterImport || state == afterCode,
        "seed \(start), code auto killed at \(delay) s: \(state)")
      if state == afterCode { whole.code += 1 }
      kills += 1
    }
    #expect(kills >= 20)
    // Most kills land before the end: the check is not of finished runs.
    #expect(whole.import < 12 && whole.code < 12)
  }

  /// The first import into a new file goes through a rollback journal
  /// rather than the WAL: killed, it leaves a sound file with nothing or
  /// everything; finished, the file is back in WAL mode.
  @Test func killedFirstImportsOfANewFileLeaveAllOrNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let big = try directory.write(
      // More than the page cache holds, so pages reach the file before
      // the commit.
      "big.csv", SyntheticReports.csv(cases: 40_000, prefix: "B"))
    func removeDatabase() {
      for suffix in ["", "-wal", "-shm", "-journal"] {
        try? FileManager.default.removeItem(
          atPath: directory.path("new.sqlite" + suffix))
      }
    }
    let full = try Self.timed(
      ["import", "reports", big, "--db", "new.sqlite"], in: directory.url)
    let mode = try DatabaseQueue(path: directory.path("new.sqlite")).read {
      try String.fetchOne($0, sql: "PRAGMA journal_mode")
    }
    #expect(mode == "wal")
    #expect(try Self.state(directory.path("new.sqlite")).units == 40_000)
    var emptyFiles = 0
    for moment in 0..<6 {
      removeDatabase()
      try Self.kill(
        ["import", "reports", big, "--db", "new.sqlite"],
        after: full * 1.1 * (Double(moment) + 0.5) / 6, in: directory.url)
      guard
        FileManager.default.fileExists(atPath: directory.path("new.sqlite"))
      else { continue }
      let state = try Self.state(directory.path("new.sqlite"))
      #expect(state.integrity == "ok", "moment \(moment): \(state)")
      #expect([0, 40_000].contains(state.units), "moment \(moment): \(state)")
      if state.units == 0 { emptyFiles += 1 }
    }
    // Some kills landed before the import committed, not all after.
    #expect(emptyFiles > 0)
  }

  /// `qda run` is several commands: each of its steps is whole, and the
  /// file is sound wherever it stops.
  @Test func killedProjectRunsLeaveASoundDatabase() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try directory.write(
      "big.csv", SyntheticReports.csv(cases: 60_000, prefix: "B"))
    let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
    let project = try directory.write(
      "qda.yml",
      """
      database: run.sqlite
      codebook: \(codebook)
      sources:
        - reports: big.csv
      outputs:
        - type: freq
          by: code
          format: csv
          path: freq.csv

      """)
    let full = try Self.timed(["run", project], in: directory.url)
    let complete = try Self.state(directory.path("run.sqlite"))
    #expect(complete.units == 60_000)
    for moment in 0..<4 {
      for suffix in ["", "-wal", "-shm", "-journal"] {
        try? FileManager.default.removeItem(
          atPath: directory.path("run.sqlite" + suffix))
      }
      try Self.kill(
        ["run", project], after: full * (Double(moment) + 0.5) / 4,
        in: directory.url)
      guard FileManager.default.fileExists(atPath: directory.path("run.sqlite"))
      else {
        continue
      }
      let state = try Self.state(directory.path("run.sqlite"))
      #expect(state.integrity == "ok")
      #expect([0, 60_000].contains(state.units), "\(state)")
      #expect(
        [0, complete.autoCodings].contains(state.autoCodings), "\(state)")
    }
  }
}
