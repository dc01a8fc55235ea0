import Dispatch
import Foundation
import Synchronization

/// A thread of its own for one import: the tasks that prefer it (`Task(executorPreference:)`)
/// run their synchronous stretches — unpacking, parsing, preparing rollups — here, never on the
/// cooperative pool that answers requests, so a slow or hostile upload cannot starve a page.
final class ImportThread: TaskExecutor, Sendable {
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

    private func loop() {
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
