package io.keyhold.server.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer's and the SQLite readers' prepared statements, kept per connection. */
class StatementCacheTest {
    private Connection first;
    private Connection second;
    private final StatementCache cache = new StatementCache();

    @BeforeEach
    void open() throws SQLException {
        first = table(DriverManager.getConnection("jdbc:sqlite::memory:"));
        second = table(DriverManager.getConnection("jdbc:sqlite::memory:"));
    }

    private static Connection table(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (a INTEGER, b TEXT)");
        }
        return c;
    }

    @AfterEach
    void close() throws SQLException {
        cache.clear();
        first.close();
        second.close();
    }

    @Test
    void sameSqlOnTheSameConnection_isTheSameStatement_withItsParametersCleared() throws SQLException {
        PreparedStatement insert = cache.prepared(first, "INSERT INTO t (a, b) VALUES (?, ?)");
        insert.setLong(1, 1);
        insert.setString(2, "one");
        insert.executeUpdate();

        PreparedStatement again = cache.prepared(first, "INSERT INTO t (a, b) VALUES (?, ?)");
        assertThat(again).isSameAs(insert);
        again.setLong(1, 2);
        again.executeUpdate(); // b was not bound this time: NULL, not the previous "one"

        assertThat(rows(first)).containsExactly("1:one", "2:null");
    }

    @Test
    void anotherConnection_closesTheStatementsOfTheFirst_andPreparesAfresh() throws SQLException {
        PreparedStatement onFirst = cache.prepared(first, "SELECT count(*) FROM t");
        PreparedStatement onSecond = cache.prepared(second, "SELECT count(*) FROM t");

        assertThat(onSecond).isNotSameAs(onFirst);
        assertThat(onFirst.isClosed()).isTrue();
        assertThat(onSecond.getConnection()).isSameAs(second);
    }

    @Test
    void clear_closesEveryStatement() throws SQLException {
        PreparedStatement a = cache.prepared(first, "SELECT count(*) FROM t");
        PreparedStatement b = cache.prepared(first, "SELECT a FROM t");
        cache.clear();

        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
        assertThat(cache.prepared(first, "SELECT count(*) FROM t")).isNotSameAs(a);
    }

    @Test
    void aFailedBatch_isNotSentAgainWithTheNextUse() throws SQLException {
        try (Statement s = first.createStatement()) {
            s.execute("CREATE TABLE n (a INTEGER NOT NULL)");
        }
        PreparedStatement insert = cache.prepared(first, "INSERT INTO n (a) VALUES (?)");
        insert.setLong(1, 1);
        insert.addBatch();
        insert.setNull(1, java.sql.Types.INTEGER);
        insert.addBatch();
        assertThatThrownBy(insert::executeBatch).isInstanceOf(SQLException.class);

        PreparedStatement again = cache.prepared(first, "INSERT INTO n (a) VALUES (?)");
        again.setLong(1, 3);
        again.addBatch();
        again.executeBatch(); // only the new row: the failed rows are not sent again

        try (Statement s = first.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM n WHERE a = 3")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void execute_runsAStatementWithoutParameters() throws SQLException {
        first.setAutoCommit(false);
        cache.execute(first, "SAVEPOINT work");
        try (Statement s = first.createStatement()) {
            s.execute("INSERT INTO t (a, b) VALUES (1, 'gone')");
        }
        cache.execute(first, "ROLLBACK TO work");
        cache.execute(first, "RELEASE work");
        first.commit();

        assertThat(rows(first)).isEmpty();
    }

    private static java.util.List<String> rows(Connection c) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT a, b FROM t ORDER BY a")) {
            while (rs.next()) {
                out.add(rs.getLong(1) + ":" + rs.getString(2));
            }
        }
        return out;
    }
}
