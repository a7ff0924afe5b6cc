/**
 * Helpers shared by the library's packages. Not API: public only so that other packages of this library can use
 * them; they may change or disappear in any release without notice.
 */
package org.stableloss.dl4j.internal;
