/** Carbon accounting: what direct peer-to-peer media avoids compared with a relaying server. */
package io.greenmesh.carbon;
