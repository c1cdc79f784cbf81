package dev.agentry.store;

import dev.agentry.AgentryException;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.sql.Driver;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Opens the run store's database from a JDBC URL and brings its schema up to date, so one build
 * runs on embedded H2 or on PostgreSQL by configuration alone.
 */
public final class StoreDatabase implements AutoCloseable {

    /** A file-system prefix in an H2 database name ({@code nioMapped:}, {@code split:}), not a drive letter. */
    private static final Pattern FILE_SYSTEM = Pattern.compile("[A-Za-z][A-Za-z0-9]+:");

    private final AgroalDataSource dataSource;
    private final boolean exclusive;

    private StoreDatabase(AgroalDataSource dataSource, boolean exclusive) {
        this.dataSource = dataSource;
        this.exclusive = exclusive;
    }

    /**
     * @throws AgentryException.Unavailable naming the URL and the likely fix when the database cannot be
     *     opened or migrated
     */
    public static StoreDatabase open(String configured, String username, String password, int maxConnections) {
        Class<? extends Driver> driver = driverFor(configured);
        String url = durable(configured);
        AgroalDataSource dataSource;
        try {
            AgroalDataSourceConfigurationSupplier configuration = new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(pool -> pool.maxSize(maxConnections)
                            .minSize(0)
                            .initialSize(1)
                            .acquisitionTimeout(Duration.ofSeconds(30))
                            .connectionFactoryConfiguration(factory -> {
                                factory.jdbcUrl(url)
                                        .connectionProviderClass(driver)
                                        .autoCommit(true);
                                if (username != null) {
                                    factory.principal(new NamePrincipal(username));
                                }
                                if (password != null) {
                                    factory.credential(new SimplePassword(password));
                                }
                                return factory;
                            }));
            dataSource = AgroalDataSource.from(configuration);
        } catch (java.sql.SQLException | RuntimeException e) {
            throw new AgentryException.Unavailable("cannot open the run store at " + configured + ": " + rootMessage(e)
                    + "; check AGENTRY_STORE_URL, or stop the other Agentry using the same data/ folder");
        }
        try {
            Flyway.configure(StoreDatabase.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            dataSource.close();
            throw new AgentryException.Unavailable(
                    "cannot prepare the run store at " + configured + ": " + rootMessage(e)
                            + "; check AGENTRY_STORE_URL and that the database is reachable, or stop the other Agentry "
                            + "using the same data/ folder");
        }
        return new StoreDatabase(dataSource, isExclusive(url));
    }

    public AgroalDataSource dataSource() {
        return dataSource;
    }

    /** Whether only this process can open the database (embedded H2), so leases found in it are stale. */
    public boolean exclusive() {
        return exclusive;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static Class<? extends Driver> driverFor(String url) {
        String kind = StoreDatasources.kindOf(url);
        if ("h2".equals(kind)) {
            return org.h2.Driver.class;
        }
        if ("postgresql".equals(kind)) {
            return org.postgresql.Driver.class;
        }
        throw new AgentryException.Unavailable("the run store URL '" + url + "' is not supported; use jdbc:h2:file:"
                + "<path> or jdbc:postgresql://<host>:<port>/<database> in AGENTRY_STORE_URL");
    }

    /**
     * The URL with H2's file reopened when an I/O is interrupted ({@link #reopenedOnInterrupt}) and
     * told to write each commit to its file before the commit returns ({@code
     * WRITE_DELAY=0}), unless the URL says otherwise. H2's default writes committed changes in the
     * background up to half a second later, so a killed process lost commits it had acknowledged:
     * journal records among them. H2 is also told not to close the database from a JVM shutdown hook
     * of its own ({@code DB_CLOSE_ON_EXIT=FALSE}): the service closes it when it stops, after the runs,
     * the journal and Quartz are done with it, where H2's hook would race them.
     */
    static String durable(String configured) {
        if (!configured.startsWith("jdbc:h2:")) {
            return configured;
        }
        String url = reopenedOnInterrupt(configured);
        String upper = url.toUpperCase(Locale.ROOT);
        String durable = upper.contains("WRITE_DELAY=") ? url : url + ";WRITE_DELAY=0";
        return upper.contains("DB_CLOSE_ON_EXIT=") ? durable : durable + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * The H2 file database opened through H2's {@code retry:} file system, which reopens the file when a
     * thread is interrupted during its I/O. On the plain file system such an interrupt closes the
     * database for every thread, and Quartz interrupts its own threads when it stops, whatever they are
     * doing (reading or committing its tables): the service then could not write its last records, and
     * did not stop. In-memory and remote databases, and names that choose a file system of their own,
     * are left as they are.
     */
    static String reopenedOnInterrupt(String url) {
        String prefix = "jdbc:h2:";
        String name = url.substring(prefix.length());
        if (name.startsWith("mem:") || name.startsWith("tcp:") || name.startsWith("ssl:")) {
            return url;
        }
        if (name.startsWith("file:")) {
            prefix += "file:";
            name = name.substring("file:".length());
        }
        if (FILE_SYSTEM.matcher(name).lookingAt()) {
            return url;
        }
        return prefix + "retry:" + name;
    }

    private static boolean isExclusive(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:")
                && !lower.startsWith("jdbc:h2:tcp:")
                && !lower.startsWith("jdbc:h2:ssl:")
                && !lower.contains("auto_server=true");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
