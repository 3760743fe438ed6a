import ArgumentParser
import Foundation
import QDACodebook
import QDAExchange
import QDAImport
import QDAProject
import QDAStore

/// Sysexits codes qda uses (DESIGN.md).
enum ExitStatus {
  static let checkFailed: Int32 = 1
  static let usage: Int32 = 64
  static let dataError: Int32 = 65
  static let noInput: Int32 = 66
  static let ioError: Int32 = 74
}

/// Prints a message to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs a command body, turning qda's errors into a message on standard
/// error and the sysexits code of DESIGN.md.
func reportingFailures(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as ExitCode {
    throw error
  } catch let error as ValidationError {
    throw error
  } catch {
    let (message, status) = describe(error)
    printError(message)
    throw ExitCode(status)
  }
}

/// The message and exit status of an error.
func describe(_ error: Error) -> (String, Int32) {
  switch error {
  case let error as ImportError:
    return (
      error.description,
      error.isMissingInput ? ExitStatus.noInput : ExitStatus.dataError
    )
  case let error as CodebookError:
    if case .missingFile = error {
      return (error.description, ExitStatus.noInput)
    }
    return (error.description, ExitStatus.dataError)
  case let error as StoreError:
    switch error {
    case .missingDatabase: return (error.description, ExitStatus.noInput)
    case _ where error.isDataError:
      return (error.description, ExitStatus.dataError)
    default: return (error.description, ExitStatus.ioError)
    }
  case let error as ProjectError:
    return (
      error.description,
      error.isMissingInput ? ExitStatus.noInput : ExitStatus.dataError
    )
  case let error as ExchangeError:
    if case .invalidProject = error {
      return (error.description, ExitStatus.dataError)
    }
    return (error.description, ExitStatus.ioError)
  case let error as OutputError:
    return (error.description, ExitStatus.ioError)
  default:
    return ("error: \(error)", ExitStatus.ioError)
  }
}

/// `1 handle`, `2 handles`, `3 e-mail addresses`.
func plural(_ count: Int, _ noun: String) -> String {
  guard count != 1 else { return "1 \(noun)" }
  return "\(count) " + (noun.hasSuffix("s") ? noun + "es" : noun + "s")
}
