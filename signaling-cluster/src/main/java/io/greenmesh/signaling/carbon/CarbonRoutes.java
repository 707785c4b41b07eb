package io.greenmesh.signaling.carbon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenmesh.carbon.CarbonAccountant;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** GET /v1/carbon/summary: this node's totals since it started, per preset, with the spread between presets. */
public final class CarbonRoutes extends AllDirectives {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CarbonAccountant accountant;
  private final String node;

  public CarbonRoutes(CarbonAccountant accountant, String node) {
    this.accountant = accountant;
    this.node = node;
  }

  public Route routes() {
    return path(PathMatchers.segment("v1").slash("carbon").slash("summary"), () -> get(() -> {
      ObjectNode body = JSON.createObjectNode();
      body.put("scope", "node");
      body.put("node", node);
      body.put("note", "this node's view since it started; sum greenmesh_* metrics across nodes for the cluster");
      body.setAll((ObjectNode) JSON.valueToTree(accountant.summary()));
      return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
          body.toString())));
    }));
  }
}
