package io.cronjobguardian.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/** What exists of a {@link JdbcHistoryStore} between start() and close(). */
final class Started {
    final DataSource dataSource;
    final HikariDataSource pool;
    final Connection anchor;
    final DialectSupport dialect;
    final Statistics statistics;
    final DurationHistogram histogram;
    final ReentrantLock writeLock;
    final RecentUids recentUids; // only where new executions are not inserted with ON CONFLICT DO NOTHING
    final String database;
    final int schemaVersion;
    final List<String> sessionSetup; // run once per physical connection
    final Set<Connection> preparedSessions; // physical connections set up already (weak: the pool replaces them)
    final String beginWrite;
    final String endWrite;

    Started(DataSource dataSource, HikariDataSource pool, Connection anchor, DialectSupport dialect,
            Statistics statistics, String database, int schemaVersion, Duration idleInTransaction,
            DialectSupport guard) {
        this.dataSource = dataSource;
        this.pool = pool;
        this.anchor = anchor;
        this.dialect = dialect;
        this.statistics = statistics;
        this.histogram = statistics.histogram(); // one histogram: its reads and writes share the layout
        this.writeLock = dialect.serializeWritesInProcess() ? new ReentrantLock(true) : null;
        this.recentUids = dialect.insertNew() == DialectSupport.InsertNew.READ_FIRST ? new RecentUids() : null;
        this.database = database;
        this.schemaVersion = schemaVersion;
        boolean bounded = !idleInTransaction.isZero();
        this.sessionSetup = bounded ? guard.sessionSetup(idleInTransaction) : List.of();
        this.preparedSessions = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
        this.beginWrite = bounded ? guard.beginWrite(idleInTransaction) : null;
        this.endWrite = beginWrite != null ? guard.endWrite() : null;
    }
}
