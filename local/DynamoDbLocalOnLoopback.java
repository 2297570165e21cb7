import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local listening on 127.0.0.1 only. The jar's own main binds every interface and has no
 * option for the address, and DynamoDB Local checks no credentials: anyone who could reach the
 * machine could read and write the local cloud's tables. This builds the same server from the same
 * command-line arguments (-port, -dbPath, -inMemory, -sharedDb...), sets the host of its Jetty
 * connector before starting it, and runs it. Run as a single-file source program, with
 * DynamoDBLocal.jar on the class path (its manifest brings DynamoDBLocal_lib/):
 *
 *   java -Djava.library.path=.../DynamoDBLocal_lib -cp .../DynamoDBLocal.jar DynamoDbLocalOnLoopback.java -port 8000 -inMemory
 *
 * (local/dynamodb.ts runs it compiled, with the same arguments.)
 */
public class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // the Jetty server is private to DynamoDBProxyServer; its connector is not started yet
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    Connector[] connectors = jetty.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("unexpected DynamoDB Local connector " + connector.getClass());
      }
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    // prints "Could not start server on port N: Address already in use" and stops when the port is taken
    proxy.start();
    proxy.join();
  }
}
