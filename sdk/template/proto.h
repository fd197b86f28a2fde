/* The template system's protocol between client.c and server.c. */
#ifndef HELLO_PROTO_H
#define HELLO_PROTO_H

#define SERVER_EP 2u   /* slot of the server's endpoint (hello.system) */
#define ADD 1u         /* label: MR0 + MR1, reply MR0 = the sum */

#endif
