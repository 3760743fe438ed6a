import Foundation
import QDACodebook
import QDAExchange
import QDAImport
import QDATestSupport
import Testing

/// Inputs that once crashed a reader (found by the fuzz targets in `Fuzz/`
/// or the hostile-input table), replayed through the same calls as the
/// fuzz targets: they must now be read or refused, in this process.
@Suite struct FuzzRegressionTests {
  static let folder = TestPaths.package("Fuzz/regressions")

  static func inputs(_ target: String) -> [String] {
    let directory = folder.appendingPathComponent(target)
    let names =
      (try? FileManager.default.contentsOfDirectory(atPath: directory.path))
      ?? []
    return names.sorted().map { directory.appendingPathComponent($0).path }
  }

  @Test func everyTargetHasRegressionInputs() {
    for target in ["csv", "transcript", "telegram", "codebook", "refi"] {
      #expect(!Self.inputs(target).isEmpty, "\(target)")
    }
  }

  @Test(arguments: inputs("csv")) func csv(_ path: String) throws {
    var records = 0
    if let reader = try? WorkReportReader(path: path) {
      while (try? reader.next()) != nil { records += 1 }
    }
    let raw = try CSVReader(stream: ByteStream(path: path), path: path)
    while (try? raw.next()) != nil {}
    #expect(records >= 0)
  }

  @Test(arguments: inputs("transcript")) func transcript(_ path: String) {
    var outcomes: [String] = []
    for format in [TranscriptFormat.txt, .vtt, .srt] {
      do {
        let transcript = try TranscriptReader.read(path: path, format: format)
        outcomes.append("\(transcript.turns.count) turns")
      } catch {
        outcomes.append("\(error)".prefix(60).description)
      }
    }
    #expect(outcomes.count == 3)
  }

  /// Telegram exports that Foundation's JSON parser reads: qda reads them too.
  @Test(arguments: inputs("telegram")) func telegram(_ path: String) throws {
    let reader = try TelegramExportReader(path: path)
    var messages = 0
    while try reader.next() != nil { messages += 1 }
    #expect(messages > 0)
  }

  @Test(arguments: inputs("codebook")) func codebook(_ path: String) throws {
    let (codebook, diagnostics) = try Codebook.lint(path: path)
    if let codebook {
      _ = codebook.apply(to: MatchableUnit(example: "Вены пропали"))
    } else {
      #expect(!diagnostics.isEmpty)
    }
  }

  /// A `.qde` input is read as `FuzzREFI` reads an input starting with
  /// `<`: as the `project.qde` of an unzipped project.
  @Test(arguments: inputs("refi")) func refi(_ path: String) throws {
    guard path.hasSuffix(".qde") else {
      _ = try? REFIImport.read(path: path)
      return
    }
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    try FileManager.default.copyItem(
      atPath: path, toPath: folder.path("project.qde"))
    _ = try? REFIImport.read(path: folder.url.path)
  }
}
