import Foundation
import FuzzSupport
import QDAExchange

/// Set (to anything) to print why each input was refused: for checking
/// that the seeds get past the archive into the XML.
let printsRefusals =
  ProcessInfo.processInfo.environment["QDA_FUZZ_VERBOSE"] != nil

/// The folder that holds an XML input as an unzipped project's
/// `project.qde`.
let projectFolder = NSTemporaryDirectory() + "qda-fuzz-\(getpid()).project"

/// REFI-QDA projects: the ZIP archive and the XML inside.
///
/// An input that starts with `<` is the `project.qde` of an unzipped
/// project, read from a folder as `qda import qdpx FOLDER` reads it: a
/// mutation of a compressed archive seldom gets past its checksums, so the
/// XML, its cases and variables, and the blocks, labelled fields and notes
/// of its inline sources are reached this way.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzREFI(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let path: String
  if count > 0, start.load(as: UInt8.self) == UInt8(ascii: "<") {
    try? FileManager.default.createDirectory(
      atPath: projectFolder, withIntermediateDirectories: true)
    FileManager.default.createFile(
      atPath: projectFolder + "/project.qde",
      contents: Data(bytes: start, count: count))
    path = projectFolder
  } else {
    path = InputFile.write(start, count, extension: "qdpx")
  }
  do {
    let project = try REFIImport.read(path: path)
    // What is read must be whole: every coding on a unit of the project,
    // within its field. (Two blocks may give the same id, which the store
    // refuses: a coding must fit one of them.)
    var fields: [String: [[String: Int]]] = [:]
    for unit in project.sources.flatMap(\.units) {
      fields[unit.id, default: []].append(
        Dictionary(
          unit.texts.map { ($0.name, $0.text.unicodeScalars.count) },
          uniquingKeysWith: { first, _ in first }))
    }
    for coding in project.codings {
      guard let units = fields[coding.unit] else {
        fatalError("a coding of \(coding.unit), which is not a unit")
      }
      if let span = coding.span {
        guard let field = coding.field, span.lowerBound >= 0,
          units.contains(where: { span.upperBound <= $0[field] ?? -1 })
        else {
          fatalError("coding \(coding) outside its unit's fields \(units)")
        }
      } else if coding.field != nil {
        fatalError("coding \(coding) has a field but no span")
      }
    }
  } catch {
    if printsRefusals { print(error) }
  }
  return 0
}
