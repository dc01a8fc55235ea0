import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A thread of its own for one import: the tasks that prefer it (`Task(executorPreference:)`)
/// run their synchronous stretches — unpacking, parsing, preparing rollups — here, never on the
/// cooperative pool that answers requests, so a slow or hostile upload cannot starve a page.
///
/// The thread also runs at a lower priority (``niceness``): on two cores, the soak's uploads
/// during mixed load took the others' p50 from 9.2 to 16.0 ms at the default priority, as the
/// import's CPU competed with requests on equal terms.
final class ImportThread: TaskExecutor, Sendable {
    /// How much lower than the server's threads an import's runs (Linux's per-thread nice value).
    static let niceness: Int32 = 10

    private struct Queue {
        var jobs: [UnownedJob] = []
        var stopping = false
    }

    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        wake.signal()
    }

    /// Ends the thread once the jobs queued so far have run.
    func shutdown() {
        queue.withLock { $0.stopping = true }
        wake.signal()
    }

    /// The calling thread's nice value, for tests.
    static func currentNiceness() -> Int32 {
        #if canImport(Glibc)
            getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
            getpriority(PRIO_PROCESS, 0)
        #endif
    }

    private func loop() {
        // On Linux the nice value is per thread, and `who` 0 is the calling thread (elsewhere it
        // would be the whole process, so nothing is changed there).
        #if canImport(Glibc)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, Self.currentNiceness() + Self.niceness))
        #endif
        while true {
            wake.wait()
            let (job, stop) = queue.withLock { queue -> (UnownedJob?, Bool) in
                queue.jobs.isEmpty ? (nil, queue.stopping) : (queue.jobs.removeFirst(), false)
            }
            if let job {
                job.runSynchronously(on: asUnownedTaskExecutor())
            } else if stop {
                return
            }
        }
    }
}
