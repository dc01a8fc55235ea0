import ArgumentParser
import Foundation
import SpotifyWebAPI

/// A failure of a terminal command: one line of cause, one of hint, and a documented exit code.
///
/// Exit codes: 0 ok, 1 usage, 2 sign-in needed, 3 Spotify error, 4 network.
struct CLIFailure: Error {
    var cause: String
    var hint: String
    var code: Int32

    static func signInNeeded(_ cause: String = "you are not signed in") -> CLIFailure {
        CLIFailure(cause: cause, hint: "run `encore login`", code: 2)
    }

    /// Turns any error into the two lines and the code.
    static func from(_ error: any Error) -> CLIFailure {
        switch error {
        case let failure as CLIFailure:
            return failure
        case let error as SpotifyAPIError where error.service == .local && error.code == .invalidRequest:
            // Refused before anything was sent: the input was wrong.
            return CLIFailure(cause: error.message ?? "invalid input", hint: "check the arguments; see --help", code: 1)
        case let error as SpotifyAPIError where error.requiresSignIn:
            return .signInNeeded("your sign-in has expired")
        case let error as SpotifyAPIError:
            switch error.code {
            case .transport, .timeout:
                return CLIFailure(
                    cause: "could not reach Spotify (\(error.shortDescription))", hint: "check your network connection and try again", code: 4)
            case .insufficientScope where !error.missingScopes.isEmpty:
                let flags = error.missingScopes.map { "--scope \($0.rawValue)" }.joined(separator: " ")
                return CLIFailure(
                    cause: "Spotify refused: \(error.message ?? "a scope is missing")", hint: "sign in again with it: encore login \(flags)", code: 2)
            case .rateLimited:
                let wait = error.retryAfter.map { " in \($0.secondsRoundedUp) s" } ?? " later"
                return CLIFailure(cause: "Spotify is limiting requests", hint: "try again\(wait)", code: 3)
            default:
                return CLIFailure(cause: "Spotify answered with an error (\(error.shortDescription))", hint: error.advice, code: 3)
            }
        case let error as SpotifyConfigurationError:
            return CLIFailure(cause: error.description, hint: "see `encore login --help`", code: 1)
        default:
            return CLIFailure(cause: "\(error)", hint: "run the command again with --help", code: 1)
        }
    }

    /// Prints the two lines to stderr and exits with the code.
    func exit() -> ExitCode {
        FileHandle.standardError.write(Data("error: \(cause)\nhint: \(hint)\n".utf8))
        return ExitCode(code)
    }
}

/// Runs a command body, turning failures into the two-line message and exit code.
func runReportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw CLIFailure.from(error).exit()
    }
}
